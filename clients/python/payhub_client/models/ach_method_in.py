from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.ach_in import AchIn





T = TypeVar("T", bound="AchMethodIn")



@_attrs_define
class AchMethodIn:
    """ A US bank account (ACH debit).

        Attributes:
            ach (AchIn):
            type_ (Literal['ach']):
     """

    ach: AchIn
    type_: Literal['ach']





    def to_dict(self) -> dict[str, Any]:
        from ..models.ach_in import AchIn # noqa: PLC0415
        ach = self.ach.to_dict()

        type_ = self.type_


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "ach": ach,
            "type": type_,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ach_in import AchIn # noqa: PLC0415
        d = dict(src_dict)
        ach = AchIn.from_dict(d.pop("ach"))




        type_ = cast(Literal['ach'] , d.pop("type"))
        if type_ != 'ach':
            raise ValueError(f"type must match const 'ach', got '{type_}'")

        ach_method_in = cls(
            ach=ach,
            type_=type_,
        )

        return ach_method_in

