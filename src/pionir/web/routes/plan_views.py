"""(Filled in by its area's work.)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
