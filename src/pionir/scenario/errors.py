"""Refusals of a scenario: one issue per broken rule, naming file, row and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class ScenarioIssue:
    """One broken rule. `row` is 1 for the first data row, 0 for the file as a whole.

    `message` is in Bahasa Indonesia for the ministry's HR operator; `message_en`
    says the same in English.
    """

    file: str
    row: int
    column: str
    message: str
    message_en: str

    def __str__(self) -> str:
        where = self.file
        if self.row:
            where += f", baris {self.row}"
        if self.column:
            where += f", kolom '{self.column}'"
        return f"{where}: {self.message} / {self.message_en}"


class ScenarioRefused(Exception):
    """The scenario or its policy breaks rules; nothing may be planned from it."""

    def __init__(self, issues: list[ScenarioIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__(f"{len(self.issues)} masalah dalam skenario / problems in the scenario")
