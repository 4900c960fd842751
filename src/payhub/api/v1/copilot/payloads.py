"""The copilot's payloads over HTTP."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
