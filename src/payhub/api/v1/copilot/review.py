"""The copilot's integration review over HTTP: `POST /v1/copilot/review` (admin) reviews the files given in the
body and answers JSON findings or a SARIF 2.1.0 log."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from payhub.api.deps import AdminKey
from payhub.copilot.review import as_json, explain, review_files
from payhub.copilot.review.sarif import sarif

router = APIRouter()


class ReviewFile(BaseModel):
    path: str = Field(min_length=1, max_length=1000, description="Its extension picks the language; also where "
                                                                "findings point.")
    content: str


class ReviewRequest(BaseModel):
    files: list[ReviewFile] = Field(min_length=1, max_length=500)
    format: Literal["json", "sarif"] = "json"
    explain: bool = Field(False, description="Add an explanation to each finding: the configured model's, else "
                                             "the rule's own text.")


@router.post("/review", operation_id="copilot_review", response_model=None)
def review(body: ReviewRequest, request: Request, key: AdminKey) -> dict[str, Any] | JSONResponse:
    """Review integration code (Python, JavaScript, TypeScript) for payment mistakes: rules PH001…PH011."""
    report = review_files((f.path, f.content) for f in body.files)
    if body.explain:
        sources = {f.path: f.content for f in body.files}
        report.findings = explain(report.findings, sources, request.app.state.copilot_llm)
    if body.format == "sarif":
        return JSONResponse(sarif(report), media_type="application/sarif+json")
    return as_json(report)
