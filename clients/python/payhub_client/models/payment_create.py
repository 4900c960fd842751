from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.payment_create_capture_method import PaymentCreateCaptureMethod
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.ach_method_in import AchMethodIn
  from ..models.allocation_in import AllocationIn
  from ..models.money_in import MoneyIn
  from ..models.payment_create_metadata import PaymentCreateMetadata
  from ..models.saved_method_in import SavedMethodIn
  from ..models.token_method_in import TokenMethodIn





T = TypeVar("T", bound="PaymentCreate")



@_attrs_define
class PaymentCreate:
    """ 
        Attributes:
            payment_method (AchMethodIn | Any | SavedMethodIn | TokenMethodIn):
            allocations (list[AllocationIn] | Unset):
            allow_overpayment (bool | Unset):  Default: False.
            capture_method (PaymentCreateCaptureMethod | Unset):  Default: PaymentCreateCaptureMethod.AUTOMATIC.
            currency (None | str | Unset): Defaults to the amounts' or the invoices' currency
            customer (None | str | Unset): Required when nothing is allocated to invoices
            customer_po (None | str | Unset): Customer PO number (Level 2 data)
            description (str | Unset):  Default: ''.
            metadata (PaymentCreateMetadata | Unset):
            payer_jurisdiction (None | str | Unset): Where the payer is: surcharge caps depend on it
            tax_amount (MoneyIn | None | Unset): Sales tax included in the amount (Level 2 data); default: the tax on the
                invoices' lines
            unapplied (MoneyIn | None | Unset): Cash not applied to an invoice (customer credit)
     """

    payment_method: AchMethodIn | Any | SavedMethodIn | TokenMethodIn
    allocations: list[AllocationIn] | Unset = UNSET
    allow_overpayment: bool | Unset = False
    capture_method: PaymentCreateCaptureMethod | Unset = PaymentCreateCaptureMethod.AUTOMATIC
    currency: None | str | Unset = UNSET
    customer: None | str | Unset = UNSET
    customer_po: None | str | Unset = UNSET
    description: str | Unset = ''
    metadata: PaymentCreateMetadata | Unset = UNSET
    payer_jurisdiction: None | str | Unset = UNSET
    tax_amount: MoneyIn | None | Unset = UNSET
    unapplied: MoneyIn | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.ach_method_in import AchMethodIn # noqa: PLC0415
        from ..models.allocation_in import AllocationIn # noqa: PLC0415
        from ..models.money_in import MoneyIn # noqa: PLC0415
        from ..models.payment_create_metadata import PaymentCreateMetadata # noqa: PLC0415
        from ..models.saved_method_in import SavedMethodIn # noqa: PLC0415
        from ..models.token_method_in import TokenMethodIn # noqa: PLC0415
        payment_method: Any | dict[str, Any]
        if isinstance(self.payment_method, AchMethodIn):
            payment_method = self.payment_method.to_dict()
        elif isinstance(self.payment_method, TokenMethodIn):
            payment_method = self.payment_method.to_dict()
        elif isinstance(self.payment_method, SavedMethodIn):
            payment_method = self.payment_method.to_dict()
        else:
            payment_method = self.payment_method

        allocations: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.allocations, Unset):
            allocations = []
            for allocations_item_data in self.allocations:
                allocations_item = allocations_item_data.to_dict()
                allocations.append(allocations_item)



        allow_overpayment = self.allow_overpayment

        capture_method: str | Unset = UNSET
        if not isinstance(self.capture_method, Unset):
            capture_method = self.capture_method.value


        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        customer: None | str | Unset
        if isinstance(self.customer, Unset):
            customer = UNSET
        else:
            customer = self.customer

        customer_po: None | str | Unset
        if isinstance(self.customer_po, Unset):
            customer_po = UNSET
        else:
            customer_po = self.customer_po

        description = self.description

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        payer_jurisdiction: None | str | Unset
        if isinstance(self.payer_jurisdiction, Unset):
            payer_jurisdiction = UNSET
        else:
            payer_jurisdiction = self.payer_jurisdiction

        tax_amount: dict[str, Any] | None | Unset
        if isinstance(self.tax_amount, Unset):
            tax_amount = UNSET
        elif isinstance(self.tax_amount, MoneyIn):
            tax_amount = self.tax_amount.to_dict()
        else:
            tax_amount = self.tax_amount

        unapplied: dict[str, Any] | None | Unset
        if isinstance(self.unapplied, Unset):
            unapplied = UNSET
        elif isinstance(self.unapplied, MoneyIn):
            unapplied = self.unapplied.to_dict()
        else:
            unapplied = self.unapplied


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "payment_method": payment_method,
        })
        if allocations is not UNSET:
            field_dict["allocations"] = allocations
        if allow_overpayment is not UNSET:
            field_dict["allow_overpayment"] = allow_overpayment
        if capture_method is not UNSET:
            field_dict["capture_method"] = capture_method
        if currency is not UNSET:
            field_dict["currency"] = currency
        if customer is not UNSET:
            field_dict["customer"] = customer
        if customer_po is not UNSET:
            field_dict["customer_po"] = customer_po
        if description is not UNSET:
            field_dict["description"] = description
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if payer_jurisdiction is not UNSET:
            field_dict["payer_jurisdiction"] = payer_jurisdiction
        if tax_amount is not UNSET:
            field_dict["tax_amount"] = tax_amount
        if unapplied is not UNSET:
            field_dict["unapplied"] = unapplied

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ach_method_in import AchMethodIn # noqa: PLC0415
        from ..models.allocation_in import AllocationIn # noqa: PLC0415
        from ..models.money_in import MoneyIn # noqa: PLC0415
        from ..models.payment_create_metadata import PaymentCreateMetadata # noqa: PLC0415
        from ..models.saved_method_in import SavedMethodIn # noqa: PLC0415
        from ..models.token_method_in import TokenMethodIn # noqa: PLC0415
        d = dict(src_dict)
        def _parse_payment_method(data: object) -> AchMethodIn | Any | SavedMethodIn | TokenMethodIn:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                payment_method_type_1 = AchMethodIn.from_dict(data)



                return payment_method_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                payment_method_type_2 = TokenMethodIn.from_dict(data)



                return payment_method_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                payment_method_type_3 = SavedMethodIn.from_dict(data)



                return payment_method_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AchMethodIn | Any | SavedMethodIn | TokenMethodIn, data)

        payment_method = _parse_payment_method(d.pop("payment_method"))


        _allocations = d.pop("allocations", UNSET)
        allocations: list[AllocationIn] | Unset = UNSET
        if _allocations is not UNSET:
            allocations = []
            for allocations_item_data in _allocations:
                allocations_item = AllocationIn.from_dict(allocations_item_data)



                allocations.append(allocations_item)


        allow_overpayment = d.pop("allow_overpayment", UNSET)

        _capture_method = d.pop("capture_method", UNSET)
        capture_method: PaymentCreateCaptureMethod | Unset
        if isinstance(_capture_method,  Unset):
            capture_method = UNSET
        else:
            capture_method = PaymentCreateCaptureMethod(_capture_method)




        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))


        def _parse_customer(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer = _parse_customer(d.pop("customer", UNSET))


        def _parse_customer_po(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer_po = _parse_customer_po(d.pop("customer_po", UNSET))


        description = d.pop("description", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: PaymentCreateMetadata | Unset
        if isinstance(_metadata,  Unset):
            metadata = UNSET
        else:
            metadata = PaymentCreateMetadata.from_dict(_metadata)




        def _parse_payer_jurisdiction(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payer_jurisdiction = _parse_payer_jurisdiction(d.pop("payer_jurisdiction", UNSET))


        def _parse_tax_amount(data: object) -> MoneyIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tax_amount_type_0 = MoneyIn.from_dict(data)



                return tax_amount_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MoneyIn | None | Unset, data)

        tax_amount = _parse_tax_amount(d.pop("tax_amount", UNSET))


        def _parse_unapplied(data: object) -> MoneyIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                unapplied_type_0 = MoneyIn.from_dict(data)



                return unapplied_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MoneyIn | None | Unset, data)

        unapplied = _parse_unapplied(d.pop("unapplied", UNSET))


        payment_create = cls(
            payment_method=payment_method,
            allocations=allocations,
            allow_overpayment=allow_overpayment,
            capture_method=capture_method,
            currency=currency,
            customer=customer,
            customer_po=customer_po,
            description=description,
            metadata=metadata,
            payer_jurisdiction=payer_jurisdiction,
            tax_amount=tax_amount,
            unapplied=unapplied,
        )

        return payment_create

