from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.invoice_amount_range import InvoiceAmountRange





T = TypeVar("T", bound="InvoiceFilter")



@_attrs_define
class InvoiceFilter:
    """ 
        Attributes:
            amount (InvoiceAmountRange | None | Unset): Only invoices whose total is in this range (inclusive)
            terms (list[str] | None | Unset): Only invoices with one of these payment terms
     """

    amount: InvoiceAmountRange | None | Unset = UNSET
    terms: list[str] | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.invoice_amount_range import InvoiceAmountRange # noqa: PLC0415
        amount: dict[str, Any] | None | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        elif isinstance(self.amount, InvoiceAmountRange):
            amount = self.amount.to_dict()
        else:
            amount = self.amount

        terms: list[str] | None | Unset
        if isinstance(self.terms, Unset):
            terms = UNSET
        elif isinstance(self.terms, list):
            terms = self.terms


        else:
            terms = self.terms


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if amount is not UNSET:
            field_dict["amount"] = amount
        if terms is not UNSET:
            field_dict["terms"] = terms

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invoice_amount_range import InvoiceAmountRange # noqa: PLC0415
        d = dict(src_dict)
        def _parse_amount(data: object) -> InvoiceAmountRange | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                amount_type_0 = InvoiceAmountRange.from_dict(data)



                return amount_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InvoiceAmountRange | None | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))


        def _parse_terms(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                terms_type_0 = cast(list[str], data)

                return terms_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        terms = _parse_terms(d.pop("terms", UNSET))


        invoice_filter = cls(
            amount=amount,
            terms=terms,
        )

        return invoice_filter

