"""Refusals a use case raises; adapters turn them into pages or JSON with the right status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pionir.scenario.errors import IssueSummary, Rule, ScenarioIssue, summarise


class ServiceError(Exception):
    """A refusal with a message in Bahasa Indonesia and in English."""

    status = 400

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


class Forbidden(ServiceError):
    """The user's role or scope does not allow this."""

    status = 403

    def __init__(
        self,
        message: str = "Anda tidak berhak melihat atau mengubah data ini.",
        message_en: str = "You are not allowed to see or change this.",
    ) -> None:
        super().__init__(message, message_en)


class NotFound(ServiceError):
    status = 404

    def __init__(
        self,
        message: str = "Data tidak ditemukan.",
        message_en: str = "Not found.",
    ) -> None:
        super().__init__(message, message_en)


class Conflict(ServiceError):
    """The request clashes with the current state (a run already finished, a name taken)."""

    status = 409


class InputRefused(ServiceError):
    """Input failed validation; `issues` lists the problems with their place.

    `omitted` counts by rule the problems past those kept (see `IssueList`).
    """

    status = 422

    def __init__(
        self,
        message: str,
        message_en: str,
        issues: Sequence[ScenarioIssue],
        omitted: Mapping[Rule, int] | None = None,
    ) -> None:
        super().__init__(message, message_en)
        self.issues = list(issues)
        self.omitted = dict(omitted or {})

    @property
    def summary(self) -> IssueSummary:
        """What to show: the first problems one by one, the rest counted by rule."""
        return summarise(self.issues, self.omitted)
