"""An entity's reconciliation settings (Entity.reconciliation), with PayHub's defaults."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from payhub.domain.reconcile import ReconcileConfig


@dataclass(frozen=True, slots=True)
class ReconciliationSettings:
    date_window_days: int = 3  # the third matching pass: same amount within this many days
    unsettled_after_days: int = 5  # a posted payment no batch paid out after this long is a break
    lookback_days: int = 90  # how far back a run reads settlement lines and payments
    every_hours: int = 24  # how often `payhub worker` runs it (0: on demand only)
    fee_rate_bps: int | None = None  # the processor's expected rate; None: any transaction fee is expected
    fee_fixed: int = 0  # … plus this per transaction (minor units)
    fee_tolerance: int = 0  # a fee above expected + tolerance is an unexpected fee

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ReconciliationSettings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def config(self, as_of: datetime) -> ReconcileConfig:
        return ReconcileConfig(as_of=as_of, date_window=timedelta(days=self.date_window_days),
                               unsettled_after=timedelta(days=self.unsettled_after_days),
                               fee_rate_bps=self.fee_rate_bps, fee_fixed=self.fee_fixed,
                               fee_tolerance=self.fee_tolerance)
