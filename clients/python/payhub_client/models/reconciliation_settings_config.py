from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ReconciliationSettingsConfig")



@_attrs_define
class ReconciliationSettingsConfig:
    """ How reconciliation judges breaks (amounts in minor units).

        Attributes:
            date_window_days (int | Unset): Match by amount within this many days Default: 3.
            every_hours (int | Unset): How often `payhub worker` runs it (0: on demand) Default: 24.
            fee_fixed (int | Unset): … plus this per transaction Default: 0.
            fee_rate_bps (int | None | Unset): The processor's expected rate; null: any transaction fee is expected
            fee_tolerance (int | Unset): A fee above expected + this is unexpected Default: 0.
            lookback_days (int | Unset): How far back a run reads Default: 90.
            unsettled_after_days (int | Unset): A posted payment no batch paid out after this long is a break Default: 5.
     """

    date_window_days: int | Unset = 3
    every_hours: int | Unset = 24
    fee_fixed: int | Unset = 0
    fee_rate_bps: int | None | Unset = UNSET
    fee_tolerance: int | Unset = 0
    lookback_days: int | Unset = 90
    unsettled_after_days: int | Unset = 5





    def to_dict(self) -> dict[str, Any]:
        date_window_days = self.date_window_days

        every_hours = self.every_hours

        fee_fixed = self.fee_fixed

        fee_rate_bps: int | None | Unset
        if isinstance(self.fee_rate_bps, Unset):
            fee_rate_bps = UNSET
        else:
            fee_rate_bps = self.fee_rate_bps

        fee_tolerance = self.fee_tolerance

        lookback_days = self.lookback_days

        unsettled_after_days = self.unsettled_after_days


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if date_window_days is not UNSET:
            field_dict["date_window_days"] = date_window_days
        if every_hours is not UNSET:
            field_dict["every_hours"] = every_hours
        if fee_fixed is not UNSET:
            field_dict["fee_fixed"] = fee_fixed
        if fee_rate_bps is not UNSET:
            field_dict["fee_rate_bps"] = fee_rate_bps
        if fee_tolerance is not UNSET:
            field_dict["fee_tolerance"] = fee_tolerance
        if lookback_days is not UNSET:
            field_dict["lookback_days"] = lookback_days
        if unsettled_after_days is not UNSET:
            field_dict["unsettled_after_days"] = unsettled_after_days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        date_window_days = d.pop("date_window_days", UNSET)

        every_hours = d.pop("every_hours", UNSET)

        fee_fixed = d.pop("fee_fixed", UNSET)

        def _parse_fee_rate_bps(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        fee_rate_bps = _parse_fee_rate_bps(d.pop("fee_rate_bps", UNSET))


        fee_tolerance = d.pop("fee_tolerance", UNSET)

        lookback_days = d.pop("lookback_days", UNSET)

        unsettled_after_days = d.pop("unsettled_after_days", UNSET)

        reconciliation_settings_config = cls(
            date_window_days=date_window_days,
            every_hours=every_hours,
            fee_fixed=fee_fixed,
            fee_rate_bps=fee_rate_bps,
            fee_tolerance=fee_tolerance,
            lookback_days=lookback_days,
            unsettled_after_days=unsettled_after_days,
        )

        return reconciliation_settings_config

