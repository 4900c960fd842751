from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.money_in import MoneyIn





T = TypeVar("T", bound="MandateAmountRange")



@_attrs_define
class MandateAmountRange:
    """ 
        Attributes:
            max_ (MoneyIn):
            min_ (MoneyIn):
     """

    max_: MoneyIn
    min_: MoneyIn





    def to_dict(self) -> dict[str, Any]:
        from ..models.money_in import MoneyIn # noqa: PLC0415
        max_ = self.max_.to_dict()

        min_ = self.min_.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "max": max_,
            "min": min_,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.money_in import MoneyIn # noqa: PLC0415
        d = dict(src_dict)
        max_ = MoneyIn.from_dict(d.pop("max"))




        min_ = MoneyIn.from_dict(d.pop("min"))




        mandate_amount_range = cls(
            max_=max_,
            min_=min_,
        )

        return mandate_amount_range

