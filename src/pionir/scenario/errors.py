"""Refusals of a scenario: one issue per broken rule, naming file, row and column.

A workbook of a million broken rows would otherwise hold a million issue
objects (and answer with a 200 MB page): `IssueList` keeps the first
`KEPT_ISSUES` in full and only counts the rest by rule, and `summarise` cuts
what a person is shown to the first `SHOWN_ISSUES` plus a count per rule.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

# Far more than anyone reads, yet a bounded few megabytes however broken the file.
KEPT_ISSUES: Final = 5_000
# What a page or an API answer lists one by one; the rest is counted by rule.
SHOWN_ISSUES: Final = 200


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


@dataclass(frozen=True, slots=True, order=True)
class Rule:
    """What issues have in common when they break the same rule in the same column.

    The messages with the values taken out: `'199001…' sudah dipakai di baris 3`
    and `'199002…' sudah dipakai di baris 9` are one rule, `'…' sudah dipakai di
    baris …`.
    """

    file: str
    column: str
    message: str
    message_en: str


@dataclass(frozen=True, slots=True)
class RuleCount:
    """How many issues not listed one by one break `rule`."""

    rule: Rule
    count: int


# Quoted values and numbers vary between issues of one rule; everything else is the rule.
_VALUE: Final = re.compile(r"'[^']*'|\d[\d.,:-]*\d|\d")


def rule_of(issue: ScenarioIssue) -> Rule:
    """The rule the issue breaks, its varying values replaced by `…`."""
    return Rule(
        issue.file,
        issue.column,
        _VALUE.sub("…", issue.message),
        _VALUE.sub("…", issue.message_en),
    )


class IssueList:
    """Issues as found: the first KEPT_ISSUES in full, the rest only counted by rule."""

    def __init__(self, issues: Iterable[ScenarioIssue] = ()) -> None:
        self.kept: list[ScenarioIssue] = []
        self.omitted: Counter[Rule] = Counter()
        self.extend(issues)

    def append(self, issue: ScenarioIssue) -> None:
        if len(self.kept) < KEPT_ISSUES:
            self.kept.append(issue)
        else:
            self.omitted[rule_of(issue)] += 1

    def extend(self, issues: Iterable[ScenarioIssue] | IssueList) -> None:
        if isinstance(issues, IssueList):
            for issue in issues.kept:
                self.append(issue)
            self.omitted.update(issues.omitted)
        else:
            for issue in issues:
                self.append(issue)

    def __iadd__(self, issues: Iterable[ScenarioIssue] | IssueList) -> IssueList:
        self.extend(issues)
        return self

    def sort(self, key: Callable[[ScenarioIssue], Any]) -> None:
        """Order the kept issues (the counted ones have no order to keep)."""
        self.kept.sort(key=key)

    def __iter__(self) -> Iterator[ScenarioIssue]:
        return iter(self.kept)

    def __len__(self) -> int:
        """Every issue found, counted ones included."""
        return len(self.kept) + self.omitted.total()

    def __bool__(self) -> bool:
        return bool(self.kept)


@dataclass(frozen=True, slots=True)
class IssueSummary:
    """What a person is shown: the first issues, then the rest as counts per rule."""

    shown: tuple[ScenarioIssue, ...]
    more: tuple[RuleCount, ...]  # most frequent first
    total: int

    @property
    def more_count(self) -> int:
        return self.total - len(self.shown)


def summarise(
    issues: Iterable[ScenarioIssue],
    omitted: Mapping[Rule, int] | None = None,
    *,
    shown: int = SHOWN_ISSUES,
) -> IssueSummary:
    """The first `shown` issues, and the others (listed beyond them or only counted) by rule."""
    listed = list(issues)
    counts: Counter[Rule] = Counter(rule_of(issue) for issue in listed[shown:])
    counts.update(omitted or {})
    more = tuple(
        RuleCount(rule, count)
        for rule, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )
    return IssueSummary(tuple(listed[:shown]), more, len(listed) + sum((omitted or {}).values()))


class ScenarioRefused(Exception):
    """The scenario or its policy breaks rules; nothing may be planned from it.

    `issues` holds the issues kept in full; `omitted` counts by rule those that
    were only counted, and `total` is both together.
    """

    def __init__(self, issues: Iterable[ScenarioIssue] | IssueList) -> None:
        collected = issues if isinstance(issues, IssueList) else IssueList(issues)
        self.issues = tuple(collected.kept)
        self.omitted: Mapping[Rule, int] = dict(collected.omitted)
        self.total = len(collected)
        super().__init__(f"{self.total} masalah dalam skenario / problems in the scenario")
