"""The copilot's erp mapping over HTTP."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
