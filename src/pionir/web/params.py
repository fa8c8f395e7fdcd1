"""Parameters checked at the edge, before a route or the database sees them.

Every id, page number and seed a request carries is bounded here, so an integer past
what the id columns hold (2^31 − 1 in PostgreSQL, 2^63 − 1 in SQLite) or a zero id is
refused with a message instead of crashing the query. An id in the path that cannot exist answers 404, like an
id that does not exist (see `web.app`); a bad query or form value answers 422.

Text is checked once for the whole application by `refuse_control_characters`, an
app-wide dependency: PostgreSQL refuses NUL in text (the request would crash) and
SQLite would store it, breaking every export of the data later.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Final

from fastapi import Form, Path, Query, Request, UploadFile
from pydantic import BeforeValidator, Field

from pionir.scenario.errors import ScenarioIssue
from pionir.services.errors import InputRefused

# The id columns are INTEGER: 32 bits in PostgreSQL, which refuses a larger parameter
# (SQLite's 64 bits hold more, but no id past this can exist on either).
MAX_ID: Final = 2**31 - 1
# 50 lines a page: a million pages is 50 million lines, past any plan; the offset it
# makes stays far inside a 64-bit integer.
MAX_PAGE: Final = 1_000_000
# HiGHS takes its random seed as a 32-bit int, and plan_runs.seed is an INTEGER column.
MAX_SEED: Final = 2**31 - 1

ID_DESCRIPTION: Final = f"1 … {MAX_ID}"

RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description=ID_DESCRIPTION)]
"""An id in the path (`/runs/{run_id}`): out of range answers 404, as an unknown id."""

QueryRecordId = Annotated[int, Query(ge=1, le=MAX_ID, description=ID_DESCRIPTION)]
"""An id in the query string (`?a=3&b=4`)."""

OptionalQueryRecordId = Annotated[int | None, Query(ge=1, le=MAX_ID, description=ID_DESCRIPTION)]
"""An id in the query string that may be left out (default None)."""

Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"1 … {MAX_PAGE}")]
"""A page number of a paged list."""

SearchToken = Annotated[
    str,
    Query(
        max_length=32,
        pattern=r"^[A-Za-z0-9_-]*$",
        description="Token pencarian dari POST / a search's token, from POSTing it",
    ),
]
"""A search by name or NIP, named by the token POSTing it gave (services/search_terms)."""


def _blank_is_none(value: Any) -> Any:
    # An HTML form sends an empty field as "", which means "not chosen".
    if isinstance(value, str) and not value.strip():
        return None
    return value


OptionalFormRecordId = Annotated[
    int | None,
    BeforeValidator(_blank_is_none),
    Form(ge=1, le=MAX_ID, description=ID_DESCRIPTION),
]
"""An id in a form field; an empty field is None, text that is not a number is 422."""

Seed = Annotated[int, Field(ge=0, le=MAX_SEED, description=f"0 … {MAX_SEED}")]
"""The solver's random seed, in a JSON body."""

FormSeed = Annotated[int, Form(ge=0, le=MAX_SEED, description=f"0 … {MAX_SEED}")]
"""The solver's random seed, in a form."""


# C0 controls but tab, line feed and carriage return (a note may have lines), DEL, and
# lone surrogates (which cannot be written as UTF-8, so no database can store them).
FORBIDDEN_CHARACTERS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES: Final = ("application/x-www-form-urlencoded", "multipart/form-data")


class ControlCharacterRefused(InputRefused):
    """Text with NUL or another control character, refused before anything reads it."""

    def __init__(self, issues: list[ScenarioIssue]) -> None:
        super().__init__(
            "Permintaan berisi karakter kendali (misalnya NUL) yang tidak diizinkan; "
            "hapus karakter itu lalu kirim lagi.",
            "The request holds a control character (such as NUL) that is not allowed; "
            "remove it and send again.",
            issues,
        )


def printable(text: str) -> str:
    """`text` with each forbidden character shown as U+FFFD, safe to echo back or log."""
    return FORBIDDEN_CHARACTERS.sub("\ufffd", text)


def _issue(where: str, place: str, place_en: str) -> ScenarioIssue:
    return ScenarioIssue(
        "",
        0,
        printable(where),
        f"{place} berisi karakter kendali atau karakter tidak sah.",
        f"{place_en} holds a control character or an invalid character.",
    )


def _json_texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every text in a decoded JSON body, keys too, with its dotted place."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            place = f"{where}.{key}" if where else str(key)
            yield place, str(key)
            yield from _json_texts(item, place)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_texts(item, f"{where}.{index}" if where else str(index))


async def _body_texts(request: Request) -> Iterator[tuple[str, str]]:
    """The texts of a form or JSON body; uploaded files' contents are the import's job."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(FORM_TYPES):
        # Parsed once: FastAPI, the CSRF check and the route all read this same form.
        form = await request.form()
        found: list[tuple[str, str]] = []
        for key, value in form.multi_items():
            found.append((key, key))
            if isinstance(value, str):
                found.append((key, value))
            elif isinstance(value, UploadFile) and value.filename:
                found.append((key, value.filename))
        return iter(found)
    if content_type.startswith("application/json"):
        try:
            decoded = await request.json()
        except ValueError:
            # Not JSON: the route's own validation answers, if the route reads a body.
            return iter(())
        return _json_texts(decoded, "body")
    return iter(())


async def refuse_control_characters(request: Request) -> None:
    """Refuse (422) a request whose path, query or body text holds a control character.

    Installed for every route by `create_app`; a route does nothing of its own.
    """
    issues: list[ScenarioIssue] = []
    for name, value in request.path_params.items():
        if isinstance(value, str) and FORBIDDEN_CHARACTERS.search(value):
            issues.append(_issue(name, "Alamat", "The address"))
    for name, value in request.query_params.multi_items():
        if FORBIDDEN_CHARACTERS.search(name) or FORBIDDEN_CHARACTERS.search(value):
            issues.append(_issue(name, "Parameter", "The parameter"))
    if request.method in UNSAFE_METHODS:
        for where, text in await _body_texts(request):
            if FORBIDDEN_CHARACTERS.search(text):
                issues.append(_issue(where, "Isian", "The field"))
    if issues:
        # One issue per field, however many times it is named.
        raise ControlCharacterRefused(list(dict.fromkeys(issues)))
