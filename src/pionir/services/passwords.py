"""Is a new password good enough: long, not common, not a pattern, not the username.

The rules follow NIST SP 800-63B's advice: a minimum length and a check against known
and guessable passwords, and no composition rules (a digit, a capital...), which people
meet with `Password1!`. Every refusal is a sentence in both languages.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from pionir.scenario.errors import ScenarioIssue

MIN_PASSWORD = 10
# Long passphrases are welcome; the bound only stops megabyte "passwords".
MAX_PASSWORD = 256
# What remains of a password once digits and punctuation around it are stripped is
# compared with the list only when it is at least this long: "love" from "love12345678"
# is, "abc" is not.
_MIN_BASE = 4
_AROUND = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s",
                       "5": "s", "7": "t", "+": "t", "8": "b", "9": "g"})  # fmt: skip
# Runs people type as passwords; a password inside one of these (or its reverse) is a
# sequence. Digits repeat so that runs may wrap round ("7890123456").
_RUNS = (
    "01234567890123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case (see the file's header)."""
    text = files("pionir.services").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _issue(message: str, message_en: str) -> ScenarioIssue:
    return ScenarioIssue("akun", 0, "password", message, message_en)


def _is_common(lowered: str) -> bool:
    listed = common_passwords()
    # Strip before undoing l33t too: in "r4h4s1a2024" the year is not letters.
    stripped = _AROUND.sub("", lowered)
    forms = {
        lowered,
        stripped,
        stripped.translate(_LEET),
        _AROUND.sub("", lowered.translate(_LEET)),
    }
    return any(len(form) >= _MIN_BASE and form in listed for form in forms)


def _is_repeated(lowered: str) -> bool:
    """One character or a short pattern over and over: `aaaaaaaaaa`, `abcabcabca`."""
    for period in range(1, len(lowered) // 2 + 1):
        if all(lowered[i] == lowered[i - period] for i in range(period, len(lowered))):
            return True
    return False


def _is_sequence(lowered: str) -> bool:
    return any(lowered in run or lowered in run[::-1] for run in _RUNS)


def password_problems(
    password: str, *, username: str = "", nip: str | None = None
) -> list[ScenarioIssue]:
    """Every reason to refuse `password` for the account `username` (empty if it is fine)."""
    if len(password) < MIN_PASSWORD:
        return [
            _issue(
                f"Kata sandi paling sedikit {MIN_PASSWORD} karakter.",
                f"The password needs at least {MIN_PASSWORD} characters.",
            )
        ]
    if len(password) > MAX_PASSWORD:
        return [
            _issue(
                f"Kata sandi paling panjang {MAX_PASSWORD} karakter.",
                f"The password may have at most {MAX_PASSWORD} characters.",
            )
        ]
    lowered = password.lower()
    problems = []
    if _is_repeated(lowered):
        problems.append(
            _issue(
                "Kata sandi hanya satu karakter atau pola pendek yang diulang; "
                "pilih beberapa kata yang tidak berhubungan.",
                "The password is one character or a short pattern repeated; "
                "choose a few unrelated words.",
            )
        )
    elif _is_sequence(lowered):
        problems.append(
            _issue(
                "Kata sandi berupa urutan (seperti 1234567890, abcdefghij atau qwertyuiop) "
                "yang ditebak pertama kali.",
                "The password is a sequence (like 1234567890, abcdefghij or qwertyuiop) "
                "that is guessed first.",
            )
        )
    elif _is_common(lowered):
        problems.append(
            _issue(
                "Kata sandi ini termasuk yang paling umum dipakai (misalnya password123 atau "
                "rahasia123) dan mudah ditebak; pilih yang lain.",
                "This password is among the most commonly used (such as password123 or "
                "rahasia123) and easy to guess; choose another.",
            )
        )
    if len(username) >= 3 and username.lower() in lowered:
        problems.append(
            _issue(
                "Kata sandi tidak boleh memuat nama pengguna.",
                "The password must not contain the username.",
            )
        )
    if nip and nip in password:
        problems.append(
            _issue("Kata sandi tidak boleh memuat NIP.", "The password must not contain the NIP.")
        )
    return problems
