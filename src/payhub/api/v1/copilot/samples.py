"""The copilot's code samples over HTTP (admin scope): the catalogue of flows and languages, a flow's sample and
any operation's sample, generated from this server's own OpenAPI spec. With a model configured and a
`describe` text, `adapted` is the model's adaptation; `code` is always the deterministic sample."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from payhub.api.deps import AdminKey
from payhub.api.errors import ApiError
from payhub.copilot import samples

router = APIRouter(prefix="/samples")

LanguageQuery = Annotated[str, Query(description="curl, python, node, typescript, csharp, java or go")]
DescribeQuery = Annotated[str | None, Query(max_length=2000, description="What to adapt the sample to (needs "
                                                                         "the optional model)")]


@router.get("", operation_id="list_copilot_samples")
def catalogue(key: AdminKey) -> dict[str, Any]:
    """The flows and languages samples are generated for; any operation id also has a sample."""
    return {"object": "sample_catalogue", **samples.catalogue()}


@router.get("/operations/{operation_id}", operation_id="get_copilot_operation_sample")
async def operation_sample(operation_id: str, request: Request, key: AdminKey, language: LanguageQuery = "python",
                           describe: DescribeQuery = None) -> dict[str, Any]:
    """A sample calling one operation of this API, its body built from the operation's schema."""
    return await _answer(request, lambda spec: samples.operation_sample(spec, operation_id, language), describe)


@router.get("/{flow}", operation_id="get_copilot_flow_sample")
async def flow_sample(flow: str, request: Request, key: AdminKey, language: LanguageQuery = "python",
                      describe: DescribeQuery = None) -> dict[str, Any]:
    """A whole flow's sample in one language."""
    return await _answer(request, lambda spec: samples.flow_sample(spec, flow, language), describe)


async def _answer(request: Request, make: Any, describe: str | None) -> dict[str, Any]:
    try:
        sample: samples.Sample = make(request.app.openapi())
    except samples.SampleError as error:
        raise ApiError(404, "sample_not_found", "Sample not found", str(error)) from error
    adapted = None
    if describe and describe.strip():  # the model call blocks: off the event loop
        adapted = await run_in_threadpool(samples.adapt, request.app.state.copilot_llm, sample, describe)
    return {"object": "code_sample", "flow": sample.flow, "language": sample.language, "filename": sample.filename,
            "code": sample.code, "adapted": adapted}
