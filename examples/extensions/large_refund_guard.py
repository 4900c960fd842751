"""Hook API v2 example: refunds above a threshold need approval in the ERP, so they are vetoed."""

from __future__ import annotations

from payhub.extensions.api import Changes, Extension, PostingContext, PostingContextV2

THRESHOLD = 50_000  # minor units


def guard(ctx: PostingContext) -> Changes | None:
    assert isinstance(ctx, PostingContextV2)  # declared hook_api=2, so PayHub passes the v2 context
    if ctx.kind != "refund":
        return Changes(memo=f"checked on attempt {ctx.attempt} via {ctx.channel}")
    refunded = sum(line.debit for line in ctx.lines)
    if refunded > THRESHOLD:
        return Changes(veto=f"refund of {refunded} exceeds {THRESHOLD}; approve it in the ERP first")
    return None


extension = Extension(
    name="large-refund-guard", version="2.0.0", hook_api=2,
    hooks={"before_validate": guard},
    description="Vetoes refunds above 500.00 and notes the attempt number on postings.",
)
