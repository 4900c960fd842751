from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.days_before_due import DaysBeforeDue
  from ..models.invoice_filter import InvoiceFilter
  from ..models.money_in import MoneyIn
  from ..models.on_due_date import OnDueDate





T = TypeVar("T", bound="RuleIn")



@_attrs_define
class RuleIn:
    """ 
        Attributes:
            when (DaysBeforeDue | OnDueDate): {"on": "due_date"} or {"days_before_due": N}
            invoices (InvoiceFilter | Literal['all'] | Unset):  Default: 'all'.
            max_per_invoice (MoneyIn | None | Unset): An invoice whose balance is above this is not paid
            max_per_month (MoneyIn | None | Unset): The most autopay pays in a calendar month (the entity's time zone); an
                invoice that would exceed it waits
     """

    when: DaysBeforeDue | OnDueDate
    invoices: InvoiceFilter | Literal['all'] | Unset = 'all'
    max_per_invoice: MoneyIn | None | Unset = UNSET
    max_per_month: MoneyIn | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.days_before_due import DaysBeforeDue # noqa: PLC0415
        from ..models.invoice_filter import InvoiceFilter # noqa: PLC0415
        from ..models.money_in import MoneyIn # noqa: PLC0415
        from ..models.on_due_date import OnDueDate # noqa: PLC0415
        when: dict[str, Any]
        if isinstance(self.when, OnDueDate):
            when = self.when.to_dict()
        else:
            when = self.when.to_dict()


        invoices: dict[str, Any] | Literal['all'] | Unset
        if isinstance(self.invoices, Unset):
            invoices = UNSET
        elif isinstance(self.invoices, InvoiceFilter):
            invoices = self.invoices.to_dict()
        else:
            invoices = self.invoices

        max_per_invoice: dict[str, Any] | None | Unset
        if isinstance(self.max_per_invoice, Unset):
            max_per_invoice = UNSET
        elif isinstance(self.max_per_invoice, MoneyIn):
            max_per_invoice = self.max_per_invoice.to_dict()
        else:
            max_per_invoice = self.max_per_invoice

        max_per_month: dict[str, Any] | None | Unset
        if isinstance(self.max_per_month, Unset):
            max_per_month = UNSET
        elif isinstance(self.max_per_month, MoneyIn):
            max_per_month = self.max_per_month.to_dict()
        else:
            max_per_month = self.max_per_month


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "when": when,
        })
        if invoices is not UNSET:
            field_dict["invoices"] = invoices
        if max_per_invoice is not UNSET:
            field_dict["max_per_invoice"] = max_per_invoice
        if max_per_month is not UNSET:
            field_dict["max_per_month"] = max_per_month

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.days_before_due import DaysBeforeDue # noqa: PLC0415
        from ..models.invoice_filter import InvoiceFilter # noqa: PLC0415
        from ..models.money_in import MoneyIn # noqa: PLC0415
        from ..models.on_due_date import OnDueDate # noqa: PLC0415
        d = dict(src_dict)
        def _parse_when(data: object) -> DaysBeforeDue | OnDueDate:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                when_type_0 = OnDueDate.from_dict(data)



                return when_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            when_type_1 = DaysBeforeDue.from_dict(data)



            return when_type_1

        when = _parse_when(d.pop("when"))


        def _parse_invoices(data: object) -> InvoiceFilter | Literal['all'] | Unset:
            if isinstance(data, Unset):
                return data
            invoices_type_0 = cast(Literal['all'] , data)
            if invoices_type_0 != 'all':
                raise ValueError(f"invoices_type_0 must match const 'all', got '{invoices_type_0}'")
            return invoices_type_0
            if not isinstance(data, dict):
                raise TypeError()
            invoices_type_1 = InvoiceFilter.from_dict(data)



            return invoices_type_1

        invoices = _parse_invoices(d.pop("invoices", UNSET))


        def _parse_max_per_invoice(data: object) -> MoneyIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                max_per_invoice_type_0 = MoneyIn.from_dict(data)



                return max_per_invoice_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MoneyIn | None | Unset, data)

        max_per_invoice = _parse_max_per_invoice(d.pop("max_per_invoice", UNSET))


        def _parse_max_per_month(data: object) -> MoneyIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                max_per_month_type_0 = MoneyIn.from_dict(data)



                return max_per_month_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MoneyIn | None | Unset, data)

        max_per_month = _parse_max_per_month(d.pop("max_per_month", UNSET))


        rule_in = cls(
            when=when,
            invoices=invoices,
            max_per_invoice=max_per_invoice,
            max_per_month=max_per_month,
        )

        return rule_in

