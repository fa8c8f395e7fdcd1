"""Charts drawn as SVG, the plan views' English, and the dashboard before any plan exists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from pionir.config import Settings
from pionir.db.engine import make_engine, session_factory
from pionir.services.accounts import create_user
from pionir.services.actor import Role
from pionir.web import charts
from pionir.web.charts import Bar, column_chart, row_chart
from tests.web.conftest import PASSWORD, USERNAMES, World, log_in

WEB = Path(charts.__file__).parent
OWN_TEMPLATES = (
    "dashboard.html",
    "plan.html",
    "agency_plan.html",
    "person.html",
    "me.html",
    "_person.html",
    "compare.html",
    "_chart.html",
)
OWN_CODE = ("charts.py", "routes/plan_views.py")
MARKED = re.compile(r'\b_\(\s*"((?:[^"\\]|\\.)*)"\s*\)')


def test_axis_ends_on_a_readable_number() -> None:
    assert [charts.nice_ceiling(v) for v in (0, 0.3, 7, 45, 101, 1800)] == [
        1.0,
        0.5,
        10.0,
        50.0,
        200.0,
        2000.0,
    ]


def test_figures_follow_the_reader_language() -> None:
    assert charts.figure(11916, "id") == "11.916"
    assert charts.figure(6.4, "id") == "6,4"
    assert charts.figure(11916, "en") == "11,916"
    assert charts.figure(6.4, "en") == "6.4"
    english = row_chart("e", "Quota", [Bar("MA", 1500, 2000)], "Moving", "Quota", lang="en")
    assert "MA: 1,500 / Quota 2,000" in english.svg


def test_a_bar_over_its_limit_is_drawn_in_the_warning_colour() -> None:
    chart = column_chart("c", "Kursi", [Bar("K1", 50, 45), Bar("K2", 30, 45)], "Orang", "Kursi")
    assert chart.svg.count(f'fill="{charts.WARN}"') == 1
    assert chart.svg.count(f'stroke="{charts.INK}" stroke-width="3"') == 3  # 2 markers + legend
    assert '<title id="c-title">Kursi</title>' in chart.svg
    assert chart.bars == (Bar("K1", 50, 45), Bar("K2", 30, 45))


def test_labels_are_escaped_and_long_names_cut() -> None:
    long_name = "Sekretariat Jenderal <Dewan> Perwakilan Rakyat"
    chart = row_chart("r", "K/L & kuota", [Bar(long_name, 3, 5)], "Pindah", "Kuota")
    assert "<Dewan>" not in chart.svg and "&lt;Dewan&gt;" in chart.svg
    assert "K/L &amp; kuota" in chart.svg
    # The drawing cuts the name; the tooltip keeps it whole.
    assert "Sekretariat Jenderal &lt;D…" in chart.svg
    assert "Sekretariat Jenderal &lt;Dewan&gt; Perwakilan Rakyat: 3" in chart.svg


def _po_messages() -> dict[str, str]:
    path = WEB / "locale" / "en" / "LC_MESSAGES" / "plan_views.po"
    with path.open("rb") as handle:
        return {m.id: str(m.string) for m in read_po(handle) if m.id and isinstance(m.id, str)}


def test_every_plan_view_text_has_its_english_in_plan_views_po() -> None:
    sources = [WEB / "templates" / name for name in OWN_TEMPLATES]
    sources += [WEB / name for name in OWN_CODE]
    marked = {text for path in sources for text in MARKED.findall(path.read_text("utf-8"))}
    assert len(marked) > 100
    english = _po_messages()
    assert {text for text in marked if not english.get(text)} == set()


def test_english_switch_shows_the_catalogue_text(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["planner"])
    client.cookies.set("pionir_lang", "en")
    page = client.get(f"/runs/{world.run_id}/dashboard").text
    english = _po_messages()
    for source in ("Dasbor rencana", "Pegawai pindah per kloter", "Dari penapisan sampai pindah"):
        assert english[source] in page
        assert source not in page
    plan = client.get(f"/runs/{world.run_id}/plan").text
    assert english["Per menara"] in plan and "Per menara" not in plan


@pytest.fixture()
def empty_client(tmp_path: Path) -> Iterator[TestClient]:
    """An application on a fresh database: accounts, but no scenario and no run."""
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    engine = make_engine(url)
    from pionir.web.app import create_app

    app = create_app(Settings(database_url=url, data_dir=tmp_path), engine)
    with session_factory(engine)() as db:
        create_user(
            db, None, username="perencana", full_name="P", password=PASSWORD, role=Role.PLANNER
        )
        db.commit()
    with TestClient(app) as client:
        yield client
    engine.dispose()


def test_dashboard_without_any_plan_points_to_the_scenarios(empty_client: TestClient) -> None:
    log_in(empty_client, "perencana")
    page = empty_client.get("/dashboard")
    assert page.status_code == 200
    assert 'id="no-plan"' in page.text and 'href="/scenarios"' in page.text
    form = empty_client.get("/compare")
    assert form.status_code == 200 and '<option value="">' in form.text
