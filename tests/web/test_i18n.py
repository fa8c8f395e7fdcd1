"""Every text shown through `_()` has its English in the catalogue; the switch works."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from pionir.web import i18n
from pionir.web.render import STATUS_TEXT
from tests.web.conftest import USERNAMES, log_in

WEB = Path(i18n.__file__).parent
MARKED = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")


def marked_texts() -> dict[str, str]:
    """Every literal passed to `_()` in templates and web code, with where it was found."""
    found: dict[str, str] = {}
    files = [*WEB.glob("templates/**/*.html"), *WEB.glob("**/*.py")]
    for path in files:
        for match in MARKED.finditer(path.read_text(encoding="utf-8")):
            text = match.group(1) if match.group(1) is not None else match.group(2)
            found.setdefault(text, path.name)
    return found


def test_marked_texts_are_found() -> None:
    # Guards the scanner itself: if it found nothing, the next test would pass vacuously.
    texts = marked_texts()
    assert "Keluar" in texts
    assert len(texts) > 100


def test_every_marked_text_has_an_english_translation() -> None:
    english = i18n.catalogue("en")
    missing = {text: where for text, where in marked_texts().items() if text not in english}
    missing |= {text: "render.py" for text in STATUS_TEXT.values() if text not in english}
    assert missing == {}


def test_language_switch_changes_the_page(client: TestClient) -> None:
    log_in(client, USERNAMES["planner"])
    indonesian = client.get("/scenarios").text
    assert "Daftar skenario" in indonesian
    switched = client.get(
        "/lang/en", headers={"referer": "http://testserver/scenarios"}, follow_redirects=False
    )
    assert switched.headers["location"] == "/scenarios"
    english = client.get("/scenarios").text
    assert "Log out" in english
    assert "Daftar skenario" not in english
    assert '<html lang="en">' in english
    client.get("/lang/id")
    assert "Keluar" in client.get("/scenarios").text


def test_unknown_language_keeps_bahasa_indonesia(client: TestClient) -> None:
    log_in(client, USERNAMES["planner"])
    client.get("/lang/xx")
    assert '<html lang="id">' in client.get("/scenarios").text
