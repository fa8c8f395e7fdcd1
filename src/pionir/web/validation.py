"""FastAPI's validation errors in words for a ministry HR operator, in both languages.

Pydantic describes a bad parameter in English for programmers ("Input should be a valid
integer, unable to parse string as an integer"); the common cases are said here in
Bahasa Indonesia and plain English, the rest keep Pydantic's sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pionir.web.params import printable

# Where a parameter came from, as FastAPI names it in the error's `loc`.
SOURCES = frozenset({"path", "query", "body", "header", "cookie"})


@dataclass(frozen=True, slots=True)
class Problem:
    """One refused parameter: `where` in full (`query.page`), `field` as a form names it."""

    where: str
    field: str
    message: str
    message_en: str


def _words(kind: str, context: Mapping[str, Any], fallback: str) -> tuple[str, str]:
    if kind == "missing":
        return "Wajib diisi.", "Required."
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return "Harus bilangan bulat.", "Must be a whole number."
    if kind in {"float_parsing", "float_type"}:
        return "Harus berupa angka.", "Must be a number."
    if kind in {"greater_than_equal", "greater_than"}:
        limit = context.get("ge", context.get("gt"))
        return f"Paling kecil {limit}.", f"Must be at least {limit}."
    if kind in {"less_than_equal", "less_than"}:
        limit = context.get("le", context.get("lt"))
        return f"Paling besar {limit}.", f"Must be at most {limit}."
    if kind in {"enum", "literal_error"}:
        expected = context.get("expected", "")
        return f"Harus salah satu dari: {expected}.", f"Must be one of: {expected}."
    if kind in {"bool_parsing", "bool_type"}:
        return "Harus ya atau tidak (true/false).", "Must be yes or no (true/false)."
    if kind in {"string_type", "str_type"}:
        return "Harus berupa teks.", "Must be text."
    if kind in {"json_invalid", "model_attributes_type", "dict_type", "list_type"}:
        return "Bentuk isinya salah.", "The content has the wrong shape."
    return "Nilainya tidak sah.", fallback


def described(error: Mapping[str, Any]) -> Problem:
    """One entry of `RequestValidationError.errors()` in both languages."""
    location = [printable(str(part)) for part in error.get("loc", ())]
    field_parts = location[1:] if location and location[0] in SOURCES else location
    message, message_en = _words(
        str(error.get("type", "")), error.get("ctx") or {}, printable(str(error.get("msg", "")))
    )
    return Problem(".".join(location), ".".join(field_parts), message, message_en)
