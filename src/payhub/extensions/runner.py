"""Runs the active extensions' hooks around each posting step: read-only context in, Changes out,
every call bounded by a timeout. A failing, slow or vetoing hook fails the posting cleanly."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from payhub.domain.errors import ExtensionFailed, ExtensionMissing, PostingVetoed
from payhub.domain.ledger import GLLine
from payhub.extensions import registry
from payhub.extensions.api import Changes, Extension, Line, PostingContext, PostingContextV2, frozen
from payhub.store import repo
from payhub.store.cache import cached

_pool = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="payhub-hook")
LINES_FINAL_AFTER = "erp_post"  # once the ERP has the entry, hooks may no longer change its lines








def active(s: Session, entity_id: str) -> list[Extension]:
    """The entity's enabled extensions, each at its pinned version (else the newest installed). Which are enabled
    is cached (store/cache.py); the installed versions are looked up on each call, as they may be registered
    at any time."""
    def load(r: Session) -> tuple[tuple[str, str | None], ...]:
        return tuple(repo.enabled_extensions(r, entity_id))

    rows = cached(s, ("extensions", entity_id), load)
    if not rows:
        return []
    installed = registry.installed()
    chosen = []
    for name, pinned in rows:
        versions = installed.get(name, [])
        pick = next((e for e in versions if e.version == pinned), None) if pinned \
            else (versions[-1] if versions else None)
        if pick is None:
            raise ExtensionMissing(f"Extension {name} {pinned or ''} is enabled for this entity "
                                   f"but not installed", extension=name)
        chosen.append(pick)
    return chosen


class Hooks:
    def __init__(self, extensions: Sequence[Extension], *, entity_id: str, posting_id: str, kind: str,
                 payment: dict[str, Any], attempt: int, channel: str, timeout_s: float) -> None:
        self.extensions, self.timeout_s = extensions, timeout_s
        self.base = dict(entity_id=entity_id, posting_id=posting_id, kind=kind, payment=frozen(payment))
        self.v2 = dict(attempt=attempt, channel=channel)
        self.memos: list[str] = []
        self.erp_reference: str | None = None

    def __call__(self, point: str, lines: tuple[GLLine, ...]) -> tuple[GLLine, ...]:
        for ext in self.extensions:
            hook = ext.hooks.get(point)
            if hook is None:
                continue
            context = self._context(ext, point, lines)
            future = _pool.submit(hook, context)
            try:
                changes = future.result(timeout=self.timeout_s)
            except concurrent.futures.TimeoutError:
                raise ExtensionFailed(f"{ext.name} {ext.version}: {point} did not return within "
                                      f"{self.timeout_s:g}s", extension=ext.name) from None
            except Exception as error:
                raise ExtensionFailed(f"{ext.name} {ext.version}: {point} raised {type(error).__name__}: {error}",
                                      extension=ext.name) from None
            if changes is None:
                continue
            if not isinstance(changes, Changes):
                raise ExtensionFailed(f"{ext.name}: {point} returned {type(changes).__name__}, not Changes",
                                      extension=ext.name)
            if changes.veto:
                raise PostingVetoed(f"{ext.name}: {changes.veto}", extension=ext.name)
            if changes.memo and ext.hook_api >= 2:
                self.memos.append(f"{ext.name}: {changes.memo}")
            if changes.dimensions or changes.account_overrides:
                if point.startswith("after_" + LINES_FINAL_AFTER) or "confirm" in point:
                    raise ExtensionFailed(f"{ext.name}: {point} may not change lines once the ERP has them",
                                          extension=ext.name)
                lines = apply(lines, changes)
        return lines

    def _context(self, ext: Extension, point: str, lines: tuple[GLLine, ...]) -> PostingContext:
        view = tuple(Line(l.account, l.debit, l.credit, l.currency, l.invoice_id, l.customer_id,
                          frozen(dict(l.dimensions))) for l in lines)
        if ext.hook_api >= 2:
            return PostingContextV2(step=point, lines=view, erp_reference=self.erp_reference,
                                    **self.base, **self.v2)  # type: ignore[arg-type]
        return PostingContext(step=point, lines=view, **self.base)


def apply(lines: tuple[GLLine, ...], changes: Changes) -> tuple[GLLine, ...]:
    return tuple(replace(l, account=changes.account_overrides.get(l.account, l.account),
                         dimensions={**l.dimensions, **changes.dimensions}) for l in lines)
