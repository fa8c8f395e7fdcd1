"""Charts as inline SVG drawn in Python: no script, no chart library, no image server.

A chart keeps its data beside its drawing, so the page can put a table under it: the
drawing is read by eye, the table by a screen reader or by anyone wanting exact figures.
Bars may carry a limit (a capacity, a quota, a budget) drawn as a dark marker across
the bar; a bar over its limit is drawn in the warning colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from pionir.services.plan_views import Dashboard
from pionir.web.i18n import translator
from pionir.web.render import format_number

WIDTH = 640
FONT = 'font-family="system-ui, sans-serif" font-size="11"'
INK, MUTED, LINE, ACCENT, WARN = "#1d2733", "#5b6b7c", "#d5dde6", "#0b6e4f", "#b3261e"
# Long names are cut in the drawing (the table and the bar's tooltip keep them whole).
LABEL_CHARS = 24
BILLION = 1_000_000_000


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    limit: float | None = None


@dataclass(frozen=True, slots=True)
class Chart:
    """A drawn chart with the figures it shows."""

    key: str
    title: str
    value_label: str
    limit_label: str
    bars: tuple[Bar, ...]
    svg: Markup


def figure(value: float, lang: str) -> str:
    """A whole number as such, any other with one decimal, in the page's number style."""
    return format_number(value, 0 if float(value).is_integer() else 1, lang)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above value: a readable axis end."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(step * power for step in (1.0, 2.0, 5.0, 10.0) if step * power >= value)


def _top(bars: Sequence[Bar]) -> float:
    return nice_ceiling(max([b.value for b in bars] + [b.limit or 0 for b in bars] + [0]))


def _tooltip(bar: Bar, limit_label: str, lang: str) -> str:
    text = f"{bar.label}: {figure(bar.value, lang)}"
    if bar.limit is not None:
        text += f" / {limit_label} {figure(bar.limit, lang)}"
    return str(escape(text))


def _frame(key: str, title: str, description: str, height: int, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{key}-title {key}-desc" {FONT}>'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(description)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _legend(value_label: str, limit_label: str) -> list[str]:
    parts = [
        f'<rect x="60" y="6" width="10" height="10" fill="{ACCENT}"/>',
        f'<text x="75" y="15" fill="{MUTED}">{escape(value_label)}</text>',
    ]
    if limit_label:
        x = 75 + 7 * len(value_label) + 20
        parts += [
            f'<line x1="{x}" y1="11" x2="{x + 14}" y2="11" stroke="{INK}" stroke-width="3"/>',
            f'<text x="{x + 19}" y="15" fill="{MUTED}">{escape(limit_label)}</text>',
        ]
    return parts


def _colour(bar: Bar) -> str:
    return WARN if bar.limit is not None and bar.value > bar.limit else ACCENT


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def column_chart(
    key: str,
    title: str,
    bars: Sequence[Bar],
    value_label: str,
    limit_label: str = "",
    lang: str = "id",
) -> Chart:
    """Upright bars, one per category (waves): for a handful of categories in order."""
    height, left, right, top, bottom = 260, 60, WIDTH - 10, 28, 226
    peak = _top(bars)

    def y(value: float) -> float:
        return bottom - (bottom - top) * value / peak

    body = _legend(value_label, limit_label)
    for step in range(5):
        tick = peak * step / 4
        body.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{right}" y2="{y(tick):.1f}" stroke="{LINE}"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{figure(tick, lang)}</text>"
        )
    slot = (right - left) / max(1, len(bars))
    width = slot * 0.6
    for k, bar in enumerate(bars):
        x = left + slot * k + slot * 0.2
        body.append(
            f"<g><title>{_tooltip(bar, limit_label, lang)}</title>"
            f'<rect x="{x:.1f}" y="{y(bar.value):.1f}" width="{width:.1f}" '
            f'height="{bottom - y(bar.value):.1f}" fill="{_colour(bar)}"/>'
        )
        if bar.limit is not None:
            body.append(
                f'<line x1="{x - slot * 0.1:.1f}" y1="{y(bar.limit):.1f}" '
                f'x2="{x + width + slot * 0.1:.1f}" y2="{y(bar.limit):.1f}" '
                f'stroke="{INK}" stroke-width="3"/>'
            )
        body.append(
            f'<text x="{x + width / 2:.1f}" y="{bottom + 16}" text-anchor="middle" '
            f'fill="{INK}">{escape(_short(bar.label))}</text></g>'
        )
    description = f"{value_label}" + (f"; {limit_label}" if limit_label else "")
    return Chart(
        key,
        title,
        value_label,
        limit_label,
        tuple(bars),
        _frame(key, title, description, height, body),
    )


def row_chart(
    key: str,
    title: str,
    bars: Sequence[Bar],
    value_label: str,
    limit_label: str = "",
    lang: str = "id",
) -> Chart:
    """Lying bars, one row per category: for many categories or long names (K/L, towers)."""
    row, top, label_width, right = 22, 28, 170, WIDTH - 70
    height = top + row * max(1, len(bars)) + 8
    peak = _top(bars)

    def x(value: float) -> float:
        return label_width + (right - label_width) * value / peak

    body = _legend(value_label, limit_label)
    for k, bar in enumerate(bars):
        y = top + row * k
        body.append(
            f"<g><title>{_tooltip(bar, limit_label, lang)}</title>"
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" fill="{INK}">'
            f"{escape(_short(bar.label))}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{x(bar.value) - label_width:.1f}" '
            f'height="{row - 8}" fill="{_colour(bar)}"/>'
        )
        if bar.limit is not None:
            body.append(
                f'<line x1="{x(bar.limit):.1f}" y1="{y + 1}" x2="{x(bar.limit):.1f}" '
                f'y2="{y + row - 1}" stroke="{INK}" stroke-width="3"/>'
            )
        end = max(x(bar.value), x(bar.limit or 0))
        # Past the marker the figure would read as the limit's, so both are written out.
        text = figure(bar.value, lang)
        if bar.limit is not None:
            text += f" / {figure(bar.limit, lang)}"
        body.append(f'<text x="{end + 5:.1f}" y="{y + 15}" fill="{MUTED}">{text}</text></g>')
    description = f"{value_label}" + (f"; {limit_label}" if limit_label else "")
    return Chart(
        key,
        title,
        value_label,
        limit_label,
        tuple(bars),
        _frame(key, title, description, height, body),
    )


def _billions(rupiah: int) -> float:
    return round(rupiah / BILLION, 1)


def wave_charts(dashboard: Dashboard, lang: str) -> list[Chart]:
    """Per wave: movers, and each capacity that comes per wave against what is used."""
    _ = translator(lang)
    waves = dashboard.waves
    return [
        column_chart(
            "chart-movers",
            _("Pegawai pindah per kloter"),
            [Bar(w.wave_id, w.movers) for w in waves],
            _("Pegawai pindah"),
            lang=lang,
        ),
        column_chart(
            "chart-seats",
            _("Penumpang per kloter terhadap kursi angkutan"),
            [Bar(w.wave_id, w.persons, w.seats) for w in waves],
            _("Penumpang (pegawai dan keluarga)"),
            _("Kursi"),
            lang=lang,
        ),
        column_chart(
            "chart-flats",
            _("Unit hunian terpakai terhadap unit siap (kumulatif)"),
            [Bar(w.wave_id, w.flats_used, w.flats_ready) for w in waves],
            _("Unit terpakai"),
            _("Unit siap"),
            lang=lang,
        ),
        column_chart(
            "chart-schools",
            _("Murid terhadap kursi sekolah (kumulatif)"),
            [Bar(w.wave_id, w.pupils, w.school_places) for w in waves],
            _("Murid"),
            _("Kursi sekolah"),
            lang=lang,
        ),
        column_chart(
            "chart-allowance",
            _("Tunjangan pionir terhadap anggaran (kumulatif, miliar Rp)"),
            [
                Bar(w.wave_id, _billions(w.allowance_so_far), _billions(dashboard.budget))
                for w in waves
            ],
            _("Tunjangan terpakai"),
            _("Anggaran"),
            lang=lang,
        ),
    ]


def dashboard_charts(dashboard: Dashboard, lang: str) -> list[Chart]:
    """Every chart of the dashboard, in the order the page shows them."""
    _ = translator(lang)
    funnel = dashboard.funnel
    return [
        *wave_charts(dashboard, lang),
        row_chart(
            "chart-towers",
            _("Keterisian hunian per menara"),
            [Bar(t.tower_id, t.units_used, t.units) for t in dashboard.towers],
            _("Unit terpakai"),
            _("Jumlah unit"),
            lang=lang,
        ),
        row_chart(
            "chart-agencies",
            _("Pegawai pindah per K/L terhadap kuota"),
            [Bar(a.agency_id, a.movers, a.quota) for a in dashboard.agencies],
            _("Pegawai pindah"),
            _("Kuota"),
            lang=lang,
        ),
        row_chart(
            "chart-funnel",
            _("Dari penapisan sampai pindah"),
            [
                Bar(_("Pegawai"), funnel.employees),
                Bar(_("Lolos penapisan"), funnel.eligible),
                Bar(_("Dapat dipindahkan"), funnel.movable),
                Bar(_("Pindah"), funnel.moving),
            ],
            _("Orang"),
            lang=lang,
        ),
    ]
