"""The brief's typeface and a small pen that writes text and boxes in it.

DejaVu Sans covers every character a name may hold; where the machine lacks it the PDF
core font Helvetica is used, which knows Latin-1 only, so other characters are replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from fpdf import FPDF

DEJAVU: Final = Path("/usr/share/fonts/truetype/dejavu")
UNICODE_FAMILY: Final = "DejaVu"
CORE_FAMILY: Final = "helvetica"
# Characters Indonesian text uses that Latin-1 lacks, spelled the nearest way it can.
_LATIN1_SPELLING: Final = {
    "–": "-",
    "—": "-",
    "≥": ">=",
    "≤": "<=",
    "…": "...",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "•": "-",
}

RGB = tuple[int, int, int]
BLACK: Final[RGB] = (0, 0, 0)
GREY: Final[RGB] = (110, 110, 110)


@dataclass(frozen=True, slots=True)
class Typeface:
    family: str
    unicode: bool

    def spell(self, text: str) -> str:
        """The text as the font can draw it."""
        if self.unicode:
            return text
        for character, spelling in _LATIN1_SPELLING.items():
            text = text.replace(character, spelling)
        return text.encode("latin-1", "replace").decode("latin-1")


def install_typeface(pdf: FPDF, *, unicode: bool = True) -> Typeface:
    """DejaVu Sans (regular and bold) if wanted and present, else core Helvetica."""
    regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    if unicode and regular.is_file() and bold.is_file():
        pdf.add_font(UNICODE_FAMILY, "", str(regular))
        pdf.add_font(UNICODE_FAMILY, "B", str(bold))
        return Typeface(UNICODE_FAMILY, True)
    return Typeface(CORE_FAMILY, False)


@dataclass(frozen=True, slots=True)
class Pen:
    """Writes on the document in its typeface: every text goes through `spell`."""

    pdf: FPDF
    typeface: Typeface

    def use(self, size: float, *, bold: bool = False, color: RGB = BLACK) -> None:
        self.pdf.set_font(self.typeface.family, "B" if bold else "", size)
        self.pdf.set_text_color(*color)

    def write(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        text: str,
        *,
        size: float = 9,
        bold: bool = False,
        color: RGB = BLACK,
        align: str = "L",
    ) -> None:
        """One line of text in the box (x, y, w, h), cut short to fit rather than wrapped."""
        self.use(size, bold=bold, color=color)
        self.pdf.set_xy(x, y)
        self.pdf.cell(w, h, self.fit(text, w), align=align)

    def paragraph(
        self, x: float, y: float, w: float, text: str, *, size: float = 9, color: RGB = BLACK
    ) -> float:
        """Text wrapped to the width `w`; returns the y below it."""
        self.use(size, color=color)
        self.pdf.set_xy(x, y)
        self.pdf.multi_cell(w, size * 0.45, self.typeface.spell(text), align="L")
        return float(self.pdf.get_y())

    def fit(self, text: str, width: float) -> str:
        """The text, shortened with '...' if it is wider than `width` in the current font."""
        spelled = self.typeface.spell(text)
        room = width - 2 * self.pdf.c_margin
        if self.pdf.get_string_width(spelled) <= room:
            return spelled
        while spelled and self.pdf.get_string_width(spelled + "...") > room:
            spelled = spelled[:-1]
        return spelled + "..."

    def fill(self, x: float, y: float, w: float, h: float, color: RGB) -> None:
        self.pdf.set_fill_color(*color)
        self.pdf.rect(x, y, w, h, style="F")

    def outline(
        self, x: float, y: float, w: float, h: float, color: RGB, width: float = 0.2
    ) -> None:
        self.pdf.set_draw_color(*color)
        self.pdf.set_line_width(width)
        self.pdf.rect(x, y, w, h, style="D")

    def line(
        self, x1: float, y1: float, x2: float, y2: float, color: RGB, width: float = 0.2
    ) -> None:
        self.pdf.set_draw_color(*color)
        self.pdf.set_line_width(width)
        self.pdf.line(x1, y1, x2, y2)
