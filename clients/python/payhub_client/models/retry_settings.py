from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="RetrySettings")



@_attrs_define
class RetrySettings:
    """ 
        Attributes:
            retry_days (list[int]): Days after each failed attempt before the next one, for a soft decline (insufficient
                funds, processing error)
     """

    retry_days: list[int]





    def to_dict(self) -> dict[str, Any]:
        retry_days = self.retry_days




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "retry_days": retry_days,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        retry_days = cast(list[int], d.pop("retry_days"))


        retry_settings = cls(
            retry_days=retry_days,
        )

        return retry_settings

