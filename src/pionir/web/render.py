"""Rendering pages: every template gets `_`, the language, the viewer and the CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from pionir.services.actor import ROLE_LABELS
from pionir.web.deps import Viewer
from pionir.web.i18n import LANGUAGE_COOKIE, language_of, pick, translator

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def format_number(value: float | int | None, digits: int = 0, lang: str = "id") -> str:
    """11.916 and 0,45 in Bahasa Indonesia; 11,916 and 0.45 in English."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@pass_context
def _number(context: Context, value: float | int | None, digits: int = 0) -> str:
    return format_number(value, digits, str(context.get("lang", "id")))


TEMPLATES.env.filters["number"] = _number

# Run statuses as people read them; the English is in the catalogue.
STATUS_TEXT = {
    "queued": "antre",
    "running": "berjalan",
    "succeeded": "berhasil",
    "infeasible": "tidak layak",
    "failed": "gagal",
    "cancelled": "dibatalkan",
}


def render(
    request: Request,
    viewer: Viewer | None,
    template: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page in the reader's language."""
    lang = language_of(request.cookies.get(LANGUAGE_COOKIE))
    role_label = ""
    if viewer is not None:
        label_id, label_en = ROLE_LABELS[viewer.actor.role]
        role_label = pick(lang, label_id, label_en)
    translate = translator(lang)
    base = {
        "_": translate,
        "status_label": lambda status: translate(STATUS_TEXT.get(status) or status),
        "lang": lang,
        "pick": lambda text_id, text_en: pick(lang, text_id, text_en),
        "viewer": viewer,
        "actor": viewer.actor if viewer else None,
        "role_label": role_label,
        "csrf_token": viewer.session.csrf_token if viewer else "",
    }
    return TEMPLATES.TemplateResponse(request, template, base | context, status_code=status_code)


def fragment(template: str, lang: str, **context: Any) -> Markup:
    """A part of a page rendered on its own, for a page to keep and reuse (see the
    dashboard's charts): it gets `_` and the language, not the viewer or the CSRF token,
    so what it shows is the same for every reader."""
    html = TEMPLATES.get_template(template).render(_=translator(lang), lang=lang, **context)
    return Markup(html)
