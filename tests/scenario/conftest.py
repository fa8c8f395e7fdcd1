"""Fixtures of the scenario tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenario.helpers import copy_tiny


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    """A writable copy of the tiny valid scenario."""
    return copy_tiny(tmp_path / "scenario")
