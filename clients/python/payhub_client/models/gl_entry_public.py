from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.gl_entry_public_dimensions import GLEntryPublicDimensions





T = TypeVar("T", bound="GLEntryPublic")



@_attrs_define
class GLEntryPublic:
    """ 
        Attributes:
            account (str):
            credit (int):
            currency (str):
            customer (None | str):
            debit (int):
            dimensions (GLEntryPublicDimensions): Set by extensions: cost centre, project…
            invoice (None | str):
     """

    account: str
    credit: int
    currency: str
    customer: None | str
    debit: int
    dimensions: GLEntryPublicDimensions
    invoice: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.gl_entry_public_dimensions import GLEntryPublicDimensions # noqa: PLC0415
        account = self.account

        credit = self.credit

        currency = self.currency

        customer: None | str
        customer = self.customer

        debit = self.debit

        dimensions = self.dimensions.to_dict()

        invoice: None | str
        invoice = self.invoice


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "account": account,
            "credit": credit,
            "currency": currency,
            "customer": customer,
            "debit": debit,
            "dimensions": dimensions,
            "invoice": invoice,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.gl_entry_public_dimensions import GLEntryPublicDimensions # noqa: PLC0415
        d = dict(src_dict)
        account = d.pop("account")

        credit = d.pop("credit")

        currency = d.pop("currency")

        def _parse_customer(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        customer = _parse_customer(d.pop("customer"))


        debit = d.pop("debit")

        dimensions = GLEntryPublicDimensions.from_dict(d.pop("dimensions"))




        def _parse_invoice(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        invoice = _parse_invoice(d.pop("invoice"))


        gl_entry_public = cls(
            account=account,
            credit=credit,
            currency=currency,
            customer=customer,
            debit=debit,
            dimensions=dimensions,
            invoice=invoice,
        )


        gl_entry_public.additional_properties = d
        return gl_entry_public

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
