"""Hook API v1 example: cost-centre dimensions and a clearing-account policy override."""

from __future__ import annotations

from payhub.extensions.api import Changes, Extension, PostingContext

COST_CENTRES = {"cus_acme": "CC-CONSTRUCTION", "cus_globex": "CC-ENTERPRISE"}


def tag_lines(ctx: PostingContext) -> Changes:
    centre = COST_CENTRES.get(str(ctx.payment["customer"]), "CC-GENERAL")
    return Changes(dimensions={"cost_centre": centre, "project": "payhub-demo"},
                   account_overrides={"1150": "1160"})  # card clearing goes to the processor's own account


extension = Extension(
    name="cost-centres", version="1.0.0", hook_api=1,
    hooks={"before_erp_post": tag_lines},
    description="Tags GL lines with the customer's cost centre; card clearing to account 1160.",
)
