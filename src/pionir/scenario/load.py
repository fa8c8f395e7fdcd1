"""Load a scenario from wherever it is: a folder of CSV files or an `.xlsx` workbook."""

from __future__ import annotations

from pathlib import Path

from pionir.scenario.csv_io import read_scenario_folder
from pionir.scenario.errors import ScenarioIssue, ScenarioRefused
from pionir.scenario.model import Scenario
from pionir.scenario.validate import Progress
from pionir.scenario.xlsx_io import read_scenario_workbook

WORKBOOK_SUFFIX = ".xlsx"


def load_scenario(path: Path, progress: Progress | None = None) -> Scenario:
    """The validated scenario at `path`; raises ScenarioRefused naming every problem.

    `progress`, when given, is told (step, done, total) now and then on large inputs.
    """
    if path.is_dir():
        return read_scenario_folder(path, progress=progress)
    if path.suffix.lower() == WORKBOOK_SUFFIX:
        return read_scenario_workbook(path, progress=progress)
    name = path.name or str(path)
    if not path.exists():
        message = f"'{path}' tidak ditemukan; berikan folder skenario atau file .xlsx."
        message_en = f"'{path}' does not exist; give a scenario folder or an .xlsx file."
    else:
        message = f"'{name}' bukan folder skenario maupun workbook .xlsx."
        message_en = f"'{name}' is neither a scenario folder nor an .xlsx workbook."
    raise ScenarioRefused([ScenarioIssue(name, 0, "", message, message_en)])
