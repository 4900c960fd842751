from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.ach_in_account_type import AchInAccountType
from ..types import UNSET, Unset






T = TypeVar("T", bound="AchIn")



@_attrs_define
class AchIn:
    """ 
        Attributes:
            account_number (str):
            routing_number (str):
            account_type (AchInAccountType | Unset):  Default: AchInAccountType.CHECKING.
     """

    account_number: str
    routing_number: str
    account_type: AchInAccountType | Unset = AchInAccountType.CHECKING





    def to_dict(self) -> dict[str, Any]:
        account_number = self.account_number

        routing_number = self.routing_number

        account_type: str | Unset = UNSET
        if not isinstance(self.account_type, Unset):
            account_type = self.account_type.value



        field_dict: dict[str, Any] = {}

        field_dict.update({
            "account_number": account_number,
            "routing_number": routing_number,
        })
        if account_type is not UNSET:
            field_dict["account_type"] = account_type

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_number = d.pop("account_number")

        routing_number = d.pop("routing_number")

        _account_type = d.pop("account_type", UNSET)
        account_type: AchInAccountType | Unset
        if isinstance(_account_type,  Unset):
            account_type = UNSET
        else:
            account_type = AchInAccountType(_account_type)




        ach_in = cls(
            account_number=account_number,
            routing_number=routing_number,
            account_type=account_type,
        )

        return ach_in

