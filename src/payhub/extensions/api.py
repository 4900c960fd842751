"""The hook API extensions are written against. It only grows: a v1 extension keeps working on v2.

An extension declares its name, its own version, the hook API version it targets and its hooks:

    extension = Extension(name="cost-centres", version="1.0.0", hook_api=1,
                          hooks={"before_erp_post": add_cost_centre})

A hook gets a read-only context and returns `Changes` (or None): dimensions to add, account codes
to override, or a veto with a reason. It never mutates anything itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

HOOK_API_VERSION = 2  # v2 added PostingContextV2 (attempt, channel, erp_reference) and Changes.memo
STEPS = ("build_entries", "validate", "erp_post", "confirm")
HOOK_POINTS = tuple(f"{when}_{step}" for step in STEPS for when in ("before", "after"))


@dataclass(frozen=True)
class Line:
    account: str
    debit: int
    credit: int
    currency: str
    invoice_id: str | None
    customer_id: str | None
    dimensions: Mapping[str, str]


@dataclass(frozen=True)
class PostingContext:
    """Hook API v1: what a hook may read. Frozen, with read-only mappings."""

    entity_id: str
    posting_id: str
    kind: str  # capture | refund
    step: str  # the hook point, e.g. "before_erp_post"
    lines: tuple[Line, ...]
    payment: Mapping[str, Any]


@dataclass(frozen=True)
class PostingContextV2(PostingContext):
    """Hook API v2 adds these; v1 hooks never see them."""

    attempt: int = 1
    channel: str = "api"
    erp_reference: str | None = None


@dataclass(frozen=True)
class Changes:
    dimensions: Mapping[str, str] = field(default_factory=dict)  # added to every line (cost_centre, project…)
    account_overrides: Mapping[str, str] = field(default_factory=dict)  # policy override: old code → new code
    veto: str | None = None  # refuse the posting, with this reason
    memo: str | None = None  # v2: a note kept on the posting


Hook = Callable[[PostingContext], "Changes | None"]


@dataclass(frozen=True)
class Extension:
    name: str
    version: str
    hook_api: int
    hooks: Mapping[str, Hook]
    description: str = ""

    def __post_init__(self) -> None:
        unknown = set(self.hooks) - set(HOOK_POINTS)
        if unknown:
            raise ValueError(f"{self.name}: unknown hook points {sorted(unknown)}; known: {HOOK_POINTS}")
        if not 1 <= self.hook_api <= HOOK_API_VERSION:
            raise ValueError(f"{self.name} targets hook API v{self.hook_api}; this PayHub speaks 1-{HOOK_API_VERSION}")


def frozen(value: Any) -> Any:
    """A deep read-only copy for hooks."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    return value
