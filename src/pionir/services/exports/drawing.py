"""Charts and tables drawn with the PDF's own boxes, lines and text, for the brief.

No plotting library: bars are rectangles on a shared scale, so a reader can compare them
by eye, and every bar also carries its number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from pionir.services.exports.typeface import GREY, RGB, Pen
from pionir.services.exports.words import number

RULE: Final[RGB] = (200, 200, 200)
TRACK: Final[RGB] = (228, 232, 238)
HEADER_FILL: Final[RGB] = (225, 233, 242)
LEGEND_HEIGHT: Final = 6.0
AXIS_WIDTH: Final = 16.0
CATEGORY_HEIGHT: Final = 6.0


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    color: RGB
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of a bar chart: a value against the capacity (its track) it fills."""

    label: str
    value: float
    limit: float
    text: str


def nice_step(maximum: float, ticks: int = 4) -> float:
    """A round gridline step (1, 2 or 5 times a power of ten) giving about `ticks` lines."""
    raw = max(maximum, 1.0) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= raw:
            return float(multiple * magnitude)
    return float(10 * magnitude)


def legend(pen: Pen, x: float, y: float, entries: Sequence[tuple[str, RGB]]) -> None:
    for name, color in entries:
        pen.fill(x, y + 1.5, 3, 3, color)
        pen.use(7.5)
        width = pen.pdf.get_string_width(pen.typeface.spell(name)) + 4
        pen.write(x + 3.5, y, width, LEGEND_HEIGHT, name, size=7.5)
        x += width + 8


def column_chart(
    pen: Pen, box: Box, categories: Sequence[str], series: Sequence[Series], lang: str
) -> None:
    """Grouped columns per category (a wave), with gridlines and each column's value."""
    legend(pen, box.x + AXIS_WIDTH, box.y, [(s.name, s.color) for s in series])
    plot = Box(
        box.x + AXIS_WIDTH,
        box.y + LEGEND_HEIGHT + 3,
        box.w - AXIS_WIDTH,
        box.h - LEGEND_HEIGHT - 3 - CATEGORY_HEIGHT,
    )
    step = nice_step(max((v for s in series for v in s.values), default=0))
    top = step * max(1, math.ceil(max((v for s in series for v in s.values), default=0) / step))
    _gridlines(pen, plot, step, top, lang)
    group = plot.w / max(1, len(categories))
    column = group * 0.8 / max(1, len(series))
    for index, category in enumerate(categories):
        left = plot.x + index * group + group * 0.1
        for offset, one in enumerate(series):
            _column(
                pen, plot, left + offset * column, column, one.values[index], top, one.color, lang
            )
        pen.write(
            plot.x + index * group, plot.y + plot.h + 0.5, group, 5, category, size=7.5, align="C"
        )


def _gridlines(pen: Pen, plot: Box, step: float, top: float, lang: str) -> None:
    tick = 0.0
    while tick <= top + step / 2:
        y = plot.y + plot.h - plot.h * tick / top
        pen.line(plot.x, y, plot.x + plot.w, y, RULE)
        pen.write(
            plot.x - AXIS_WIDTH,
            y - 2,
            AXIS_WIDTH - 1,
            4,
            number(lang, tick),
            size=6.5,
            color=GREY,
            align="R",
        )
        tick += step


def _column(
    pen: Pen, plot: Box, x: float, width: float, value: float, top: float, color: RGB, lang: str
) -> None:
    height = plot.h * value / top
    baseline = plot.y + plot.h
    if height > 0:
        pen.fill(x, baseline - height, width, height, color)
    # Numbers only where they fit above their column.
    if width >= 5:
        pen.write(
            x - 2, baseline - height - 4, width + 4, 4, number(lang, value), size=6, align="C"
        )


def bar_chart(
    pen: Pen, box: Box, bars: Sequence[Bar], color: RGB, legend_entries: Sequence[tuple[str, RGB]]
) -> None:
    """Horizontal bars on one scale: the track is the capacity, the bar what is used of it."""
    legend(pen, box.x, box.y, legend_entries)
    label_width, text_width = 34.0, 34.0
    top = box.y + LEGEND_HEIGHT + 2
    row = min(7.0, (box.h - LEGEND_HEIGHT - 2) / max(1, len(bars)))
    track_width = box.w - label_width - text_width
    scale = max((max(b.limit, b.value) for b in bars), default=0) or 1.0
    for index, bar in enumerate(bars):
        y = top + index * row
        size = 7.5 if row >= 5 else 6.5
        pen.write(box.x, y, label_width, row, bar.label, size=size)
        height = row * 0.6
        bar_y = y + (row - height) / 2
        pen.fill(box.x + label_width, bar_y, track_width * bar.limit / scale, height, TRACK)
        if bar.value > 0:
            pen.fill(box.x + label_width, bar_y, track_width * bar.value / scale, height, color)
        pen.write(box.x + label_width + track_width, y, text_width, row, bar.text, size=size)


def table(
    pen: Pen,
    x: float,
    y: float,
    widths: Sequence[float],
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    row_height: float = 6.0,
    text_columns: int = 1,
) -> float:
    """A table with a shaded header; text columns left-aligned, numbers right.

    Returns the y below the table.
    """
    pen.fill(x, y, sum(widths), row_height + 1, HEADER_FILL)
    _table_row(pen, x, y, widths, header, row_height + 1, text_columns, bold=True)
    y += row_height + 1
    for values in rows:
        _table_row(pen, x, y, widths, values, row_height, text_columns, bold=False)
        y += row_height
        pen.line(x, y, x + sum(widths), y, RULE)
    return y


def _table_row(
    pen: Pen,
    x: float,
    y: float,
    widths: Sequence[float],
    values: Sequence[str],
    height: float,
    text_columns: int,
    *,
    bold: bool,
) -> None:
    for index, (width, value) in enumerate(zip(widths, values, strict=True)):
        align = "L" if index < text_columns else "R"
        pen.write(x, y, width, height, value, size=7.5, bold=bold, align=align)
        x += width
