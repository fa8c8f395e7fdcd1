"""`python -m pionir`: the same commands as `pionir`."""

from pionir.cli import main

main()
