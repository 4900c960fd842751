from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import Literal, cast






T = TypeVar("T", bound="OnDueDate")



@_attrs_define
class OnDueDate:
    """ 
        Attributes:
            on (Literal['due_date']):
     """

    on: Literal['due_date']





    def to_dict(self) -> dict[str, Any]:
        on = self.on


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "on": on,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        on = cast(Literal['due_date'] , d.pop("on"))
        if on != 'due_date':
            raise ValueError(f"on must match const 'due_date', got '{on}'")

        on_due_date = cls(
            on=on,
        )

        return on_due_date

