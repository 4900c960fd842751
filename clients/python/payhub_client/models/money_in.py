from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="MoneyIn")



@_attrs_define
class MoneyIn:
    """ 
        Attributes:
            amount (int): Integer amount in the currency's minor units; at most just under one trillion major units (e.g.
                99999999999999 for USD), never above 2^53 - 1
            currency (str):
     """

    amount: int
    currency: str





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        currency = self.currency


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "amount": amount,
            "currency": currency,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        currency = d.pop("currency")

        money_in = cls(
            amount=amount,
            currency=currency,
        )

        return money_in

