"""The copilot's config check over HTTP."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
