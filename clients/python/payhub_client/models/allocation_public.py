from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.money_public import MoneyPublic





T = TypeVar("T", bound="AllocationPublic")



@_attrs_define
class AllocationPublic:
    """ 
        Attributes:
            amount (MoneyPublic):
            amount_captured (MoneyPublic):
            amount_refunded (MoneyPublic):
            invoice (str):
     """

    amount: MoneyPublic
    amount_captured: MoneyPublic
    amount_refunded: MoneyPublic
    invoice: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.money_public import MoneyPublic # noqa: PLC0415
        amount = self.amount.to_dict()

        amount_captured = self.amount_captured.to_dict()

        amount_refunded = self.amount_refunded.to_dict()

        invoice = self.invoice


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "amount_captured": amount_captured,
            "amount_refunded": amount_refunded,
            "invoice": invoice,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.money_public import MoneyPublic # noqa: PLC0415
        d = dict(src_dict)
        amount = MoneyPublic.from_dict(d.pop("amount"))




        amount_captured = MoneyPublic.from_dict(d.pop("amount_captured"))




        amount_refunded = MoneyPublic.from_dict(d.pop("amount_refunded"))




        invoice = d.pop("invoice")

        allocation_public = cls(
            amount=amount,
            amount_captured=amount_captured,
            amount_refunded=amount_refunded,
            invoice=invoice,
        )


        allocation_public.additional_properties = d
        return allocation_public

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
