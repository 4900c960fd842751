from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.invoice_line_public import InvoiceLinePublic
  from ..models.money_public import MoneyPublic





T = TypeVar("T", bound="InvoicePublic")



@_attrs_define
class InvoicePublic:
    """ 
        Attributes:
            amount_payable (MoneyPublic):
            balance (MoneyPublic):
            customer (str):
            due_on (str):
            id (str):
            issued_on (str):
            lines (list[InvoiceLinePublic]):
            number (str):
            object_ (Literal['invoice']):
            status (str):
            terms (str):
            total (MoneyPublic):
     """

    amount_payable: MoneyPublic
    balance: MoneyPublic
    customer: str
    due_on: str
    id: str
    issued_on: str
    lines: list[InvoiceLinePublic]
    number: str
    object_: Literal['invoice']
    status: str
    terms: str
    total: MoneyPublic
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.invoice_line_public import InvoiceLinePublic # noqa: PLC0415
        from ..models.money_public import MoneyPublic # noqa: PLC0415
        amount_payable = self.amount_payable.to_dict()

        balance = self.balance.to_dict()

        customer = self.customer

        due_on = self.due_on

        id = self.id

        issued_on = self.issued_on

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)



        number = self.number

        object_ = self.object_

        status = self.status

        terms = self.terms

        total = self.total.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount_payable": amount_payable,
            "balance": balance,
            "customer": customer,
            "due_on": due_on,
            "id": id,
            "issued_on": issued_on,
            "lines": lines,
            "number": number,
            "object": object_,
            "status": status,
            "terms": terms,
            "total": total,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invoice_line_public import InvoiceLinePublic # noqa: PLC0415
        from ..models.money_public import MoneyPublic # noqa: PLC0415
        d = dict(src_dict)
        amount_payable = MoneyPublic.from_dict(d.pop("amount_payable"))




        balance = MoneyPublic.from_dict(d.pop("balance"))




        customer = d.pop("customer")

        due_on = d.pop("due_on")

        id = d.pop("id")

        issued_on = d.pop("issued_on")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in (_lines):
            lines_item = InvoiceLinePublic.from_dict(lines_item_data)



            lines.append(lines_item)


        number = d.pop("number")

        object_ = cast(Literal['invoice'] , d.pop("object"))
        if object_ != 'invoice':
            raise ValueError(f"object must match const 'invoice', got '{object_}'")

        status = d.pop("status")

        terms = d.pop("terms")

        total = MoneyPublic.from_dict(d.pop("total"))




        invoice_public = cls(
            amount_payable=amount_payable,
            balance=balance,
            customer=customer,
            due_on=due_on,
            id=id,
            issued_on=issued_on,
            lines=lines,
            number=number,
            object_=object_,
            status=status,
            terms=terms,
            total=total,
        )


        invoice_public.additional_properties = d
        return invoice_public

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
