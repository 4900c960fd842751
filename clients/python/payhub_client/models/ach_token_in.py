from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.ach_token_in_account_type import AchTokenInAccountType
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="AchTokenIn")



@_attrs_define
class AchTokenIn:
    """ 
        Attributes:
            account_number (str):
            routing_number (str):
            account_holder_name (None | str | Unset):
            account_type (AchTokenInAccountType | Unset):  Default: AchTokenInAccountType.CHECKING.
     """

    account_number: str
    routing_number: str
    account_holder_name: None | str | Unset = UNSET
    account_type: AchTokenInAccountType | Unset = AchTokenInAccountType.CHECKING





    def to_dict(self) -> dict[str, Any]:
        account_number = self.account_number

        routing_number = self.routing_number

        account_holder_name: None | str | Unset
        if isinstance(self.account_holder_name, Unset):
            account_holder_name = UNSET
        else:
            account_holder_name = self.account_holder_name

        account_type: str | Unset = UNSET
        if not isinstance(self.account_type, Unset):
            account_type = self.account_type.value



        field_dict: dict[str, Any] = {}

        field_dict.update({
            "account_number": account_number,
            "routing_number": routing_number,
        })
        if account_holder_name is not UNSET:
            field_dict["account_holder_name"] = account_holder_name
        if account_type is not UNSET:
            field_dict["account_type"] = account_type

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_number = d.pop("account_number")

        routing_number = d.pop("routing_number")

        def _parse_account_holder_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        account_holder_name = _parse_account_holder_name(d.pop("account_holder_name", UNSET))


        _account_type = d.pop("account_type", UNSET)
        account_type: AchTokenInAccountType | Unset
        if isinstance(_account_type,  Unset):
            account_type = UNSET
        else:
            account_type = AchTokenInAccountType(_account_type)




        ach_token_in = cls(
            account_number=account_number,
            routing_number=routing_number,
            account_holder_name=account_holder_name,
            account_type=account_type,
        )

        return ach_token_in

