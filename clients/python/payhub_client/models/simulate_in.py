from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.channel import Channel
from ..models.method import Method
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.money_in import MoneyIn
  from ..models.simulate_in_customer_metadata import SimulateInCustomerMetadata
  from ..models.simulate_in_invoice_metadata import SimulateInInvoiceMetadata
  from ..models.simulated_card import SimulatedCard





T = TypeVar("T", bound="SimulateIn")



@_attrs_define
class SimulateIn:
    """ 
        Attributes:
            amount (MoneyIn):
            card (None | SimulatedCard | Unset):
            channel (Channel | Unset): Where a payment comes from; fee rules and routing rules name these.
            customer (None | str | Unset):
            customer_metadata (SimulateInCustomerMetadata | Unset):
            invoice_metadata (SimulateInInvoiceMetadata | Unset):
            method (Method | Unset): How a payment is paid; fee rules and routing rules name these.
            payment_key (str | Unset): Stands in for the payment id in volume splits Default: 'simulated'.
            segment (None | str | Unset):
     """

    amount: MoneyIn
    card: None | SimulatedCard | Unset = UNSET
    channel: Channel | Unset = UNSET
    customer: None | str | Unset = UNSET
    customer_metadata: SimulateInCustomerMetadata | Unset = UNSET
    invoice_metadata: SimulateInInvoiceMetadata | Unset = UNSET
    method: Method | Unset = UNSET
    payment_key: str | Unset = 'simulated'
    segment: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.money_in import MoneyIn # noqa: PLC0415
        from ..models.simulate_in_customer_metadata import SimulateInCustomerMetadata # noqa: PLC0415
        from ..models.simulate_in_invoice_metadata import SimulateInInvoiceMetadata # noqa: PLC0415
        from ..models.simulated_card import SimulatedCard # noqa: PLC0415
        amount = self.amount.to_dict()

        card: dict[str, Any] | None | Unset
        if isinstance(self.card, Unset):
            card = UNSET
        elif isinstance(self.card, SimulatedCard):
            card = self.card.to_dict()
        else:
            card = self.card

        channel: str | Unset = UNSET
        if not isinstance(self.channel, Unset):
            channel = self.channel.value


        customer: None | str | Unset
        if isinstance(self.customer, Unset):
            customer = UNSET
        else:
            customer = self.customer

        customer_metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.customer_metadata, Unset):
            customer_metadata = self.customer_metadata.to_dict()

        invoice_metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.invoice_metadata, Unset):
            invoice_metadata = self.invoice_metadata.to_dict()

        method: str | Unset = UNSET
        if not isinstance(self.method, Unset):
            method = self.method.value


        payment_key = self.payment_key

        segment: None | str | Unset
        if isinstance(self.segment, Unset):
            segment = UNSET
        else:
            segment = self.segment


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "amount": amount,
        })
        if card is not UNSET:
            field_dict["card"] = card
        if channel is not UNSET:
            field_dict["channel"] = channel
        if customer is not UNSET:
            field_dict["customer"] = customer
        if customer_metadata is not UNSET:
            field_dict["customer_metadata"] = customer_metadata
        if invoice_metadata is not UNSET:
            field_dict["invoice_metadata"] = invoice_metadata
        if method is not UNSET:
            field_dict["method"] = method
        if payment_key is not UNSET:
            field_dict["payment_key"] = payment_key
        if segment is not UNSET:
            field_dict["segment"] = segment

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.money_in import MoneyIn # noqa: PLC0415
        from ..models.simulate_in_customer_metadata import SimulateInCustomerMetadata # noqa: PLC0415
        from ..models.simulate_in_invoice_metadata import SimulateInInvoiceMetadata # noqa: PLC0415
        from ..models.simulated_card import SimulatedCard # noqa: PLC0415
        d = dict(src_dict)
        amount = MoneyIn.from_dict(d.pop("amount"))




        def _parse_card(data: object) -> None | SimulatedCard | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                card_type_0 = SimulatedCard.from_dict(data)



                return card_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SimulatedCard | Unset, data)

        card = _parse_card(d.pop("card", UNSET))


        _channel = d.pop("channel", UNSET)
        channel: Channel | Unset
        if isinstance(_channel,  Unset):
            channel = UNSET
        else:
            channel = Channel(_channel)




        def _parse_customer(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer = _parse_customer(d.pop("customer", UNSET))


        _customer_metadata = d.pop("customer_metadata", UNSET)
        customer_metadata: SimulateInCustomerMetadata | Unset
        if isinstance(_customer_metadata,  Unset):
            customer_metadata = UNSET
        else:
            customer_metadata = SimulateInCustomerMetadata.from_dict(_customer_metadata)




        _invoice_metadata = d.pop("invoice_metadata", UNSET)
        invoice_metadata: SimulateInInvoiceMetadata | Unset
        if isinstance(_invoice_metadata,  Unset):
            invoice_metadata = UNSET
        else:
            invoice_metadata = SimulateInInvoiceMetadata.from_dict(_invoice_metadata)




        _method = d.pop("method", UNSET)
        method: Method | Unset
        if isinstance(_method,  Unset):
            method = UNSET
        else:
            method = Method(_method)




        payment_key = d.pop("payment_key", UNSET)

        def _parse_segment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        segment = _parse_segment(d.pop("segment", UNSET))


        simulate_in = cls(
            amount=amount,
            card=card,
            channel=channel,
            customer=customer,
            customer_metadata=customer_metadata,
            invoice_metadata=invoice_metadata,
            method=method,
            payment_key=payment_key,
            segment=segment,
        )

        return simulate_in

