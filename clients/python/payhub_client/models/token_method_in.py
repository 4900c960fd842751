from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import Literal, cast






T = TypeVar("T", bound="TokenMethodIn")



@_attrs_define
class TokenMethodIn:
    """ A PayHub vault token (POST /v1/tokens, made by the hosted fields): a card or a bank account. Single-use.

        Attributes:
            token (str):
            type_ (Literal['token']):
     """

    token: str
    type_: Literal['token']





    def to_dict(self) -> dict[str, Any]:
        token = self.token

        type_ = self.type_


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "token": token,
            "type": type_,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token = d.pop("token")

        type_ = cast(Literal['token'] , d.pop("type"))
        if type_ != 'token':
            raise ValueError(f"type must match const 'token', got '{type_}'")

        token_method_in = cls(
            token=token,
            type_=type_,
        )

        return token_method_in

