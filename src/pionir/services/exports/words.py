"""The exports' words in both languages, and numbers, money and dates as each reads them.

The exports are built below the web layer, so they carry their own pairs of (Bahasa
Indonesia, English) text, like the core's explanations, rather than the pages' catalogue.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

Words = tuple[str, str]

OUTCOME: Final[dict[str, Words]] = {
    "moves": ("Pindah", "Moves"),
    "ineligible": ("Tidak memenuhi syarat", "Not eligible"),
    "household_ineligible": ("Rumah tangga tidak memenuhi syarat", "Household not eligible"),
    "not_selected": ("Tidak terangkut", "Not placed"),
}

# What a housing officer reads instead of screening reasons, which are not theirs to see.
WITHHELD_EXPLANATION: Final[dict[str, Words]] = {
    "ineligible": (
        "Tidak memenuhi syarat penapisan (rincian hanya untuk perencana dan K/L).",
        "Did not pass screening (details are for planners and the agency only).",
    ),
    "household_ineligible": (
        "Rumah tangga pindah utuh atau tidak sama sekali; ada anggota yang tidak memenuhi "
        "syarat penapisan.",
        "A household moves whole or not at all; one of its members did not pass screening.",
    ),
}

PLAN_STATUS: Final[dict[str, Words]] = {
    "optimal": ("optimal (terbukti)", "optimal (proven)"),
    "feasible": ("layak, belum terbukti optimal", "feasible, not proven optimal"),
    "infeasible": ("tidak layak", "infeasible"),
    "unknown": ("tidak diketahui", "unknown"),
}

_MONTHS: Final = (
    ("Januari", "January"),
    ("Februari", "February"),
    ("Maret", "March"),
    ("April", "April"),
    ("Mei", "May"),
    ("Juni", "June"),
    ("Juli", "July"),
    ("Agustus", "August"),
    ("September", "September"),
    ("Oktober", "October"),
    ("November", "November"),
    ("Desember", "December"),
)

# Large sums of rupiah are read in these steps in both languages.
_MAGNITUDES: Final = (
    (10**12, ("triliun", "trillion")),
    (10**9, ("miliar", "billion")),
    (10**6, ("juta", "million")),
)


def say(lang: str, words: Words) -> str:
    """Of a pair, the reader's language."""
    return words[1] if lang == "en" else words[0]


def both(lang: str, words: Words) -> str:
    """A heading in both languages, the reader's first: "Nama / Name"."""
    first, second = (words[1], words[0]) if lang == "en" else words
    return first if first == second else f"{first} / {second}"


def number(lang: str, value: float, digits: int = 0) -> str:
    """11.916 and 0,45 in Bahasa Indonesia; 11,916 and 0.45 in English."""
    text = f"{value:,.{digits}f}"
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(lang: str, share: float, digits: int = 1) -> str:
    return number(lang, share * 100, digits) + "%"


def rupiah(lang: str, amount: float) -> str:
    """Rp 6,4 miliar / IDR 6.4 billion: a cabinet reads sums, not every digit."""
    prefix = "IDR " if lang == "en" else "Rp "
    for step, names in _MAGNITUDES:
        if abs(amount) >= step:
            return f"{prefix}{number(lang, amount / step, 1)} {say(lang, names)}"
    return prefix + number(lang, amount)


def long_date(lang: str, moment: datetime) -> str:
    """9 Maret 2025 / 9 March 2025."""
    return f"{moment.day} {say(lang, _MONTHS[moment.month - 1])} {moment.year}"


def share(part: float, whole: float) -> float:
    """part / whole, and 0 when there is no whole (an agency without quota)."""
    return part / whole if whole else 0.0


# The capacities that can hold a household back (planner.ledger.BLOCKING_CODES), short.
CAPACITY: Final[dict[str, Words]] = {
    "health": ("Kesehatan", "Health"),
    "seats": ("Kursi", "Seats"),
    "housing": ("Hunian", "Housing"),
    "schools": ("Sekolah", "Schools"),
    "quota": ("Kuota", "Quota"),
    "office": ("Kantor", "Office"),
    "budget": ("Anggaran", "Budget"),
}
