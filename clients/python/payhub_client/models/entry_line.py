from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="EntryLine")



@_attrs_define
class EntryLine:
    """ 
        Attributes:
            account (str):
            credit (int):
            currency (str):
            debit (int):
     """

    account: str
    credit: int
    currency: str
    debit: int





    def to_dict(self) -> dict[str, Any]:
        account = self.account

        credit = self.credit

        currency = self.currency

        debit = self.debit


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "account": account,
            "credit": credit,
            "currency": currency,
            "debit": debit,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account = d.pop("account")

        credit = d.pop("credit")

        currency = d.pop("currency")

        debit = d.pop("debit")

        entry_line = cls(
            account=account,
            credit=credit,
            currency=currency,
            debit=debit,
        )

        return entry_line

