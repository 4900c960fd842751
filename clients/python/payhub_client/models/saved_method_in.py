from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import Literal, cast






T = TypeVar("T", bound="SavedMethodIn")



@_attrs_define
class SavedMethodIn:
    """ A customer's saved payment method (POST /v1/customers/{id}/payment_methods).

        Attributes:
            payment_method (str):
            type_ (Literal['saved']):
     """

    payment_method: str
    type_: Literal['saved']





    def to_dict(self) -> dict[str, Any]:
        payment_method = self.payment_method

        type_ = self.type_


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "payment_method": payment_method,
            "type": type_,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        payment_method = d.pop("payment_method")

        type_ = cast(Literal['saved'] , d.pop("type"))
        if type_ != 'saved':
            raise ValueError(f"type must match const 'saved', got '{type_}'")

        saved_method_in = cls(
            payment_method=payment_method,
            type_=type_,
        )

        return saved_method_in

