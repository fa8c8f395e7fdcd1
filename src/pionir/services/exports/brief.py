"""The cabinet brief: the plan on three A4 pages, in the reader's language.

Page one names the plan (scenario, run, approval) and gives the key figures and movers per
wave against seats; page two shows housing occupancy per tower and movers per agency;
page three lists, per wave, the capacities that bind and how much of each is used.
An agency operator's brief counts their own K/L's people only; capacities are the plan's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from fpdf import FPDF
from sqlalchemy.orm import Session

from pionir.plan_summary import PlanSummary, TowerUse
from pionir.planner.ledger import BLOCKING_CODES
from pionir.services.actor import Actor
from pionir.services.clock import aware, now
from pionir.services.exports.drawing import Bar, Box, Series, bar_chart, column_chart, table
from pionir.services.exports.scope import (
    AgencyTally,
    RunInScope,
    agency_tallies,
    record_export,
    run_in_scope,
    screening_counts,
    wave_movers,
)
from pionir.services.exports.typeface import GREY, RGB, Pen, install_typeface
from pionir.services.exports.words import (
    CAPACITY,
    PLAN_STATUS,
    Words,
    long_date,
    number,
    percent,
    rupiah,
    say,
    share,
)
from pionir.services.screening_views import ScreeningCounts

TITLE: Final[Words] = (
    "Ringkasan Rencana Pemindahan ASN ke IKN",
    "Summary of the Plan to Relocate Civil Servants to IKN",
)
PAGES: Final = 3
LEFT: Final = 15.0
WIDTH: Final = 180.0
FOOTER_Y: Final = 284.0
TOP_AGENCIES: Final = 15

NAVY: Final[RGB] = (22, 58, 104)
TEAL: Final[RGB] = (46, 139, 148)
SAND: Final[RGB] = (214, 200, 170)
PANEL: Final[RGB] = (243, 246, 249)


@dataclass(frozen=True, slots=True)
class BriefFacts:
    """Everything the brief states, read once in the reader's scope."""

    scope: RunInScope
    tallies: list[AgencyTally]
    own_waves: dict[str, int]
    screening: ScreeningCounts
    made_at: datetime

    @property
    def summary(self) -> PlanSummary:
        return self.scope.summary

    @property
    def movers(self) -> int:
        if self.scope.all_agencies:
            return self.summary.movers
        return sum(t.movers for t in self.tallies)


@dataclass(frozen=True, slots=True)
class Figure:
    label: Words
    value: str
    note: str = ""


def plan_brief(
    db: Session,
    actor: Actor,
    run_id: int,
    lang: str,
    *,
    compress: bool = True,
    unicode: bool = True,
) -> bytes:
    """The brief as PDF bytes. `compress` and `unicode` off give a PDF whose text can be
    read in its raw bytes, which is how tests look inside it."""
    scope = run_in_scope(db, actor, run_id)
    facts = BriefFacts(
        scope, agency_tallies(db, scope), wave_movers(db, scope), screening_counts(db, scope), now()
    )
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(facts.made_at)
    pen = Pen(pdf, install_typeface(pdf, unicode=unicode))
    pdf.set_title(pen.typeface.spell(say(lang, TITLE)))
    pdf.set_author("Pionir")
    pdf.set_lang("en" if lang == "en" else "id")
    for draw in (_first_page, _second_page, _third_page):
        pdf.add_page()
        draw(pen, facts, lang)
        _footer(pen, facts, lang)
    record_export(db, actor, scope, "pdf")
    return bytes(pdf.output())


def _heading(pen: Pen, y: float, words: Words, lang: str) -> float:
    pen.write(LEFT, y, WIDTH, 7, say(lang, words), size=11.5, bold=True, color=NAVY)
    return y + 8


def _footer(pen: Pen, facts: BriefFacts, lang: str) -> None:
    page = pen.pdf.page_no()
    text = say(
        lang,
        (
            f"Pionir - proses #{facts.scope.run.id} - halaman {page} dari {PAGES}",
            f"Pionir - run #{facts.scope.run.id} - page {page} of {PAGES}",
        ),
    )
    pen.line(LEFT, FOOTER_Y - 1, LEFT + WIDTH, FOOTER_Y - 1, (200, 200, 200))
    pen.write(LEFT, FOOTER_Y, WIDTH, 5, text, size=7, color=GREY, align="R")


# --- Page one: who, what, and the key figures ------------------------------------------


def _first_page(pen: Pen, facts: BriefFacts, lang: str) -> None:
    other = "id" if lang == "en" else "en"
    pen.write(LEFT, 15, WIDTH, 9, say(lang, TITLE), size=16, bold=True, color=NAVY)
    pen.write(LEFT, 24, WIDTH, 6, say(other, TITLE), size=10.5, color=GREY)
    pen.line(LEFT, 32, LEFT + WIDTH, 32, NAVY, width=0.6)
    y = 35.0
    for label, value in particulars(facts, lang):
        pen.write(LEFT, y, 42, 5.5, label, size=9, bold=True)
        pen.write(LEFT + 42, y, WIDTH - 42, 5.5, value, size=9)
        y += 5.5
    y = _heading(pen, y + 3, ("Angka kunci", "Key figures"), lang)
    y = _figure_grid(pen, y, key_figures(facts, lang), lang)
    y = _heading(
        pen,
        y + 3,
        ("Pegawai pindah per kloter dibanding kursi", "Movers per wave against seats"),
        lang,
    )
    _wave_chart(pen, Box(LEFT, y, WIDTH, FOOTER_Y - 6 - y), facts, lang)


def particulars(facts: BriefFacts, lang: str) -> list[tuple[str, str]]:
    """Date, scenario, run, approval and scope: what the figures are of."""
    scope = facts.scope
    run = scope.run
    finished = long_date(lang, aware(run.finished_at)) if run.finished_at else "-"
    if run.approved_at is not None:
        approved = (
            f"Disetujui oleh {run.approved_by} pada {long_date('id', aware(run.approved_at))}",
            f"Approved by {run.approved_by} on {long_date('en', aware(run.approved_at))}",
        )
    else:
        approved = (
            "BELUM DISETUJUI - rancangan untuk dibahas",
            "NOT APPROVED YET - a draft for discussion",
        )
    if scope.all_agencies:
        covers = ("Seluruh K/L", "All agencies")
    else:
        name = next((t.name for t in facts.tallies), "")
        covers = (
            f"Hanya K/L {scope.agency_id} {name}".rstrip(),
            f"Agency {scope.agency_id} {name} only".rstrip(),
        )
    return [
        (say(lang, ("Tanggal", "Date")), long_date(lang, facts.made_at)),
        (
            say(lang, ("Skenario", "Scenario")),
            say(
                lang,
                (
                    f"{scope.scenario_name}, versi {scope.version.number}",
                    f"{scope.scenario_name}, version {scope.version.number}",
                ),
            ),
        ),
        (
            say(lang, ("Proses perencanaan", "Plan run")),
            say(lang, (f"#{run.id}, selesai {finished}", f"#{run.id}, finished {finished}")),
        ),
        (say(lang, ("Persetujuan", "Approval")), say(lang, approved)),
        (say(lang, ("Cakupan", "Scope")), say(lang, covers)),
    ]


def key_figures(facts: BriefFacts, lang: str) -> list[Figure]:
    """Eight figures: movers, households, persons, waves, allowance, gap, screening, flats."""
    summary = facts.summary
    quota = sum(t.quota for t in facts.tallies)
    whole = facts.scope.all_agencies
    # Counts the database does not hold per K/L are the whole plan's, and say so.
    of_plan: Words = ("", "") if whole else (" (seluruh rencana)", " (whole plan)")
    waves = summary.waves
    used = sum(1 for w in waves if facts.own_waves.get(w.wave_id, 0) > 0)
    households = summary.households_moved if whole else sum(t.households for t in facts.tallies)
    allowance = summary.allowance_total if whole else sum(t.allowance for t in facts.tallies)
    budget = summary.budget
    flats = sum(t.units for t in _towers(summary))
    status = summary.status.value
    return [
        Figure(
            ("Pegawai pindah", "Movers")
            if whole
            else ("Pegawai pindah dari K/L Anda", "Movers from your agency"),
            number(lang, facts.movers),
            say(
                lang,
                (
                    f"dari kuota {number(lang, quota)} ({percent(lang, share(facts.movers, quota))})",
                    f"of a quota of {number(lang, quota)} ({percent(lang, share(facts.movers, quota))})",
                ),
            ),
        ),
        Figure(("Rumah tangga pindah", "Households moved"), number(lang, households)),
        Figure(
            ("Jiwa pindah" + of_plan[0], "Persons moved" + of_plan[1]),
            number(lang, summary.persons_moved),
            say(lang, ("pegawai beserta keluarganya", "employees with their families")),
        ),
        Figure(
            ("Kloter terpakai", "Waves used"),
            say(lang, (f"{used} dari {len(waves)}", f"{used} of {len(waves)}")),
        ),
        Figure(
            ("Tunjangan pionir", "Pioneer allowance"),
            rupiah(lang, allowance),
            say(
                lang,
                (
                    f"dari anggaran {rupiah('id', budget)} ({percent('id', share(allowance, budget))})",
                    f"of a budget of {rupiah('en', budget)} ({percent('en', share(allowance, budget))})",
                ),
            ),
        ),
        Figure(
            ("Celah ke batas terbukti", "Gap to the proven bound"),
            percent(lang, summary.gap, 4),
            say(lang, PLAN_STATUS.get(status, (status, status))),
        ),
        Figure(
            ("Memenuhi syarat penapisan", "Passed screening"),
            say(
                lang,
                (
                    f"{number(lang, facts.screening.eligible)} dari {number(lang, facts.screening.employees)}",
                    f"{number(lang, facts.screening.eligible)} of {number(lang, facts.screening.employees)}",
                ),
            ),
            say(
                lang,
                (
                    f"{number(lang, facts.screening.movable)} dapat pindah bersama rumah tangganya",
                    f"{number(lang, facts.screening.movable)} can move with their household",
                ),
            ),
        ),
        Figure(
            ("Unit hunian terisi" + of_plan[0], "Flats used" + of_plan[1]),
            say(
                lang,
                (
                    f"{number(lang, summary.housing_units_used)} dari {number(lang, flats)}",
                    f"{number(lang, summary.housing_units_used)} of {number(lang, flats)}",
                ),
            ),
        ),
    ]


def _figure_grid(pen: Pen, y: float, figures: list[Figure], lang: str) -> float:
    """Figures in panels, two per row; returns the y below the grid."""
    width, height, gap = (WIDTH - 4) / 2, 17.0, 2.5
    for index, figure in enumerate(figures):
        x = LEFT + (index % 2) * (width + 4)
        top = y + (index // 2) * (height + gap)
        pen.fill(x, top, width, height, PANEL)
        pen.fill(x, top, 1.2, height, NAVY)
        pen.write(x + 3, top + 1, width - 4, 5, say(lang, figure.label), size=8, color=GREY)
        pen.write(x + 3, top + 5.5, width - 4, 7, figure.value, size=14, bold=True, color=NAVY)
        pen.write(x + 3, top + 11.5, width - 4, 5, figure.note, size=7.5, color=GREY)
    rows = (len(figures) + 1) // 2
    return y + rows * (height + gap)


def _wave_chart(pen: Pen, box: Box, facts: BriefFacts, lang: str) -> None:
    waves = facts.summary.waves
    movers_name = (
        ("Pegawai pindah", "Movers")
        if facts.scope.all_agencies
        else ("Pegawai pindah dari K/L Anda", "Movers from your agency")
    )
    column_chart(
        pen,
        box,
        [f"{w.wave_id} ({w.month})" for w in waves],
        [
            Series(
                say(lang, ("Kursi kloter", "Seats in the wave")),
                SAND,
                tuple(w.seats for w in waves),
            ),
            Series(
                say(
                    lang, ("Jiwa berangkat (dengan keluarga)", "Persons travelling (with families)")
                ),
                TEAL,
                tuple(w.persons for w in waves),
            ),
            Series(
                say(lang, movers_name),
                NAVY,
                tuple(facts.own_waves.get(w.wave_id, 0) for w in waves),
            ),
        ],
        lang,
    )


# --- Page two: towers and agencies -----------------------------------------------------


def _towers(summary: PlanSummary) -> tuple[TowerUse, ...]:
    # A run stored by the worker always has its premises; a summary without has no towers.
    return summary.premises.towers if summary.premises is not None else ()


def _second_page(pen: Pen, facts: BriefFacts, lang: str) -> None:
    towers = _towers(facts.summary)
    y = _heading(pen, 15, ("Keterisian hunian per menara", "Housing occupancy per tower"), lang)
    tower_height = min(118.0, 10 + 6.5 * len(towers))
    bar_chart(
        pen,
        Box(LEFT, y, WIDTH, tower_height),
        [
            Bar(
                f"{t.tower_id} ({t.ready_month})",
                t.units_used,
                t.units,
                f"{number(lang, t.units_used)}/{number(lang, t.units)} ({percent(lang, share(t.units_used, t.units), 0)})",
            )
            for t in towers
        ],
        NAVY,
        [
            (say(lang, ("Unit terisi", "Flats used")), NAVY),
            (say(lang, ("Unit tersedia", "Flats in the tower")), (228, 232, 238)),
        ],
    )
    y = _heading(
        pen,
        y + tower_height + 6,
        ("Pegawai pindah per K/L (15 terbanyak)", "Movers per agency (top 15)"),
        lang,
    )
    _agency_chart(pen, Box(LEFT, y, WIDTH, FOOTER_Y - 8 - y), facts, lang)


def _agency_chart(pen: Pen, box: Box, facts: BriefFacts, lang: str) -> None:
    # Agencies with neither quota nor movers are not part of this plan.
    in_plan = [t for t in facts.tallies if t.quota or t.movers]
    top = sorted(in_plan, key=lambda t: (-t.movers, t.agency_id))[:TOP_AGENCIES]
    height = min(box.h, 10 + 7 * len(top))
    quota_word = say(lang, ("kuota", "quota"))
    bar_chart(
        pen,
        Box(box.x, box.y, box.w, height),
        [
            Bar(
                t.agency_id,
                t.movers,
                t.quota,
                f"{number(lang, t.movers)} / {quota_word} {number(lang, t.quota)}",
            )
            for t in top
        ],
        TEAL,
        [
            (say(lang, ("Pegawai pindah", "Movers")), TEAL),
            (say(lang, ("Kuota K/L", "Agency quota")), (228, 232, 238)),
        ],
    )


# --- Page three: what binds, and how much is used --------------------------------------


def _third_page(pen: Pen, facts: BriefFacts, lang: str) -> None:
    y = _heading(
        pen, 15, ("Kapasitas yang mengikat per kloter", "Binding capacities per wave"), lang
    )
    pen.write(
        LEFT,
        y,
        WIDTH,
        5,
        say(
            lang,
            (
                "Angka: rumah tangga memenuhi syarat yang tidak terangkut karena kapasitas ini penuh pada kloter itu.",
                "Figures: eligible households left behind because this capacity is full in that wave.",
            ),
        ),
        size=8,
        color=GREY,
    )
    y = table(
        pen,
        LEFT,
        y + 6,
        [24, 24] + [18.857] * len(BLOCKING_CODES),
        *binding_table(facts, lang),
        text_columns=2,
    )
    y = _heading(pen, y + 8, ("Pemakaian kapasitas per kloter", "Capacity use per wave"), lang)
    y = table(pen, LEFT, y, [14, 18, 18, 26, 34, 38, 32], *usage_table(facts, lang), text_columns=2)
    y = _heading(pen, y + 8, ("Cara membaca", "How to read this brief"), lang)
    for note in reading_notes(facts, lang):
        y = pen.paragraph(LEFT, y, WIDTH, "- " + note, size=8.5) + 1.5


def reading_notes(facts: BriefFacts, lang: str) -> list[str]:
    summary = facts.summary
    objective, bound = number(lang, summary.objective, 2), number(lang, summary.bound, 2)
    workbook = f"pionir-rencana-run-{facts.scope.run.id}.xlsx"
    notes: list[Words] = [
        (
            "Kapasitas mengikat: kapasitas yang penuh pada suatu kloter, sehingga rumah tangga "
            "yang memenuhi syarat tidak dapat ditambahkan. Menambah kapasitas yang paling sering "
            "mengikat adalah cara tercepat untuk memindahkan lebih banyak pegawai.",
            "Binding capacity: a capacity that is full in a wave, so no further eligible "
            "household can be added. Adding to the capacity that binds most often is the "
            "quickest way to move more employees.",
        ),
        (
            f"Celah ke batas terbukti: paling jauh seberapa rencana ini dari rencana terbaik yang "
            f"mungkin (nilai tujuan {objective}; batas atas terbukti {bound}). Celah 0% berarti "
            "rencana terbukti optimal.",
            f"Gap to the proven bound: at most how far this plan is from the best possible plan "
            f"(objective {objective}; proven upper bound {bound}). A gap of 0% means the plan is "
            "proven optimal.",
        ),
        (
            "Hunian terisi dan murid dihitung kumulatif: yang sudah pindah pada kloter awal tetap "
            "memakai unit dan kursi sekolahnya pada kloter berikutnya.",
            "Flats used and pupils are cumulative: those who moved in an earlier wave keep their "
            "flat and school place in the waves after.",
        ),
        (
            f"Rincian per pegawai, termasuk penjelasan bagi yang tidak pindah, ada di buku kerja "
            f"{workbook}.",
            f"Each employee's placement, with the explanation for those who stay, is in the "
            f"workbook {workbook}.",
        ),
    ]
    return [say(lang, note) for note in notes]


def binding_table(facts: BriefFacts, lang: str) -> tuple[list[str], list[list[str]]]:
    header = [say(lang, ("Kloter", "Wave")), say(lang, ("Bulan", "Month"))]
    header += [say(lang, CAPACITY[code]) for code in BLOCKING_CODES]
    rows = []
    for wave in facts.summary.waves:
        counts = facts.summary.binding_in(wave.wave_id)
        cells = [number(lang, counts[code]) if counts.get(code) else "-" for code in BLOCKING_CODES]
        rows.append([wave.wave_id, wave.month, *cells])
    return header, rows


def usage_table(facts: BriefFacts, lang: str) -> tuple[list[str], list[list[str]]]:
    header = [
        say(lang, ("Kloter", "Wave")),
        say(lang, ("Bulan", "Month")),
        say(lang, ("Pegawai", "Movers")),
        say(lang, ("Jiwa / kursi", "Persons / seats")),
        say(lang, ("Hunian terisi / siap", "Flats used / ready")),
        say(lang, ("Murid / kursi sekolah", "Pupils / school places")),
        say(lang, ("Tunjangan", "Allowance")),
    ]
    rows = [
        [
            w.wave_id,
            w.month,
            number(lang, w.employees),
            f"{number(lang, w.persons)} / {number(lang, w.seats)}",
            f"{number(lang, w.flats_used)} / {number(lang, w.flats_ready)}",
            f"{number(lang, w.pupils)} / {number(lang, w.school_places)}",
            rupiah(lang, w.allowance),
        ]
        for w in facts.summary.waves
    ]
    return header, rows
