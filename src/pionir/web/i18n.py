"""Bahasa Indonesia first, English by choice, through gettext catalogues.

Source strings are written in Bahasa Indonesia; `locale/en/LC_MESSAGES/*.po` hold their
English. Each page area keeps its own `.po` file and all are merged at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Final

from babel.messages.pofile import read_po

LOCALE_DIR: Final = Path(__file__).parent / "locale"
LANGUAGES: Final = ("id", "en")
DEFAULT_LANGUAGE: Final = "id"
LANGUAGE_COOKIE: Final = "pionir_lang"

Translate = Callable[[str], str]


@cache
def catalogue(language: str) -> dict[str, str]:
    """msgid -> translation for a language (empty for the source language)."""
    messages: dict[str, str] = {}
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    if not folder.is_dir():
        return messages
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string and isinstance(message.id, str):
                    messages[message.id] = str(message.string)
    return messages


def translator(language: str) -> Translate:
    """A `_()` for templates and code; unknown strings fall back to the source text."""
    table = catalogue(language) if language != DEFAULT_LANGUAGE else {}

    def translate(text: str) -> str:
        return table.get(text, text)

    return translate


def pick(language: str, text_id: str, text_en: str) -> str:
    """Of a pair the core already gives in both languages, the one the reader wants."""
    return text_en if language == "en" else text_id


def language_of(cookie: str | None) -> str:
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE
