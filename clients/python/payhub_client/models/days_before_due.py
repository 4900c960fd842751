from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="DaysBeforeDue")



@_attrs_define
class DaysBeforeDue:
    """ 
        Attributes:
            days_before_due (int):
     """

    days_before_due: int





    def to_dict(self) -> dict[str, Any]:
        days_before_due = self.days_before_due


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "days_before_due": days_before_due,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        days_before_due = d.pop("days_before_due")

        days_before_due = cls(
            days_before_due=days_before_due,
        )

        return days_before_due

