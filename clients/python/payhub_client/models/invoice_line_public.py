from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.money_public import MoneyPublic





T = TypeVar("T", bound="InvoiceLinePublic")



@_attrs_define
class InvoiceLinePublic:
    """ 
        Attributes:
            amount (MoneyPublic):
            description (str):
            quantity (int):
            unit_amount (MoneyPublic):
            unit_price (str): The ERP's exact unit price, a decimal string in major units ("24.975"): quantity × unit_price
                = amount even when unit_amount is rounded
     """

    amount: MoneyPublic
    description: str
    quantity: int
    unit_amount: MoneyPublic
    unit_price: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.money_public import MoneyPublic # noqa: PLC0415
        amount = self.amount.to_dict()

        description = self.description

        quantity = self.quantity

        unit_amount = self.unit_amount.to_dict()

        unit_price = self.unit_price


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "description": description,
            "quantity": quantity,
            "unit_amount": unit_amount,
            "unit_price": unit_price,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.money_public import MoneyPublic # noqa: PLC0415
        d = dict(src_dict)
        amount = MoneyPublic.from_dict(d.pop("amount"))




        description = d.pop("description")

        quantity = d.pop("quantity")

        unit_amount = MoneyPublic.from_dict(d.pop("unit_amount"))




        unit_price = d.pop("unit_price")

        invoice_line_public = cls(
            amount=amount,
            description=description,
            quantity=quantity,
            unit_amount=unit_amount,
            unit_price=unit_price,
        )


        invoice_line_public.additional_properties = d
        return invoice_line_public

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
