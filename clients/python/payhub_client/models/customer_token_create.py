from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.customer_token_create_channel import CustomerTokenCreateChannel
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.money_in import MoneyIn





T = TypeVar("T", bound="CustomerTokenCreate")



@_attrs_define
class CustomerTokenCreate:
    """ 
        Attributes:
            customer (str):
            channel (CustomerTokenCreateChannel | Unset): The channel the token's payments record (fee and routing rules can
                name it) Default: CustomerTokenCreateChannel.WIDGET.
            expires_in_s (int | Unset):  Default: 900.
            invoices (list[str] | None | Unset): Only these invoices; default: any of the customer's
            max_amount (MoneyIn | None | Unset): The most one payment with this token may be
     """

    customer: str
    channel: CustomerTokenCreateChannel | Unset = CustomerTokenCreateChannel.WIDGET
    expires_in_s: int | Unset = 900
    invoices: list[str] | None | Unset = UNSET
    max_amount: MoneyIn | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.money_in import MoneyIn # noqa: PLC0415
        customer = self.customer

        channel: str | Unset = UNSET
        if not isinstance(self.channel, Unset):
            channel = self.channel.value


        expires_in_s = self.expires_in_s

        invoices: list[str] | None | Unset
        if isinstance(self.invoices, Unset):
            invoices = UNSET
        elif isinstance(self.invoices, list):
            invoices = self.invoices


        else:
            invoices = self.invoices

        max_amount: dict[str, Any] | None | Unset
        if isinstance(self.max_amount, Unset):
            max_amount = UNSET
        elif isinstance(self.max_amount, MoneyIn):
            max_amount = self.max_amount.to_dict()
        else:
            max_amount = self.max_amount


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "customer": customer,
        })
        if channel is not UNSET:
            field_dict["channel"] = channel
        if expires_in_s is not UNSET:
            field_dict["expires_in_s"] = expires_in_s
        if invoices is not UNSET:
            field_dict["invoices"] = invoices
        if max_amount is not UNSET:
            field_dict["max_amount"] = max_amount

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.money_in import MoneyIn # noqa: PLC0415
        d = dict(src_dict)
        customer = d.pop("customer")

        _channel = d.pop("channel", UNSET)
        channel: CustomerTokenCreateChannel | Unset
        if isinstance(_channel,  Unset):
            channel = UNSET
        else:
            channel = CustomerTokenCreateChannel(_channel)




        expires_in_s = d.pop("expires_in_s", UNSET)

        def _parse_invoices(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                invoices_type_0 = cast(list[str], data)

                return invoices_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        invoices = _parse_invoices(d.pop("invoices", UNSET))


        def _parse_max_amount(data: object) -> MoneyIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                max_amount_type_0 = MoneyIn.from_dict(data)



                return max_amount_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MoneyIn | None | Unset, data)

        max_amount = _parse_max_amount(d.pop("max_amount", UNSET))


        customer_token_create = cls(
            customer=customer,
            channel=channel,
            expires_in_s=expires_in_s,
            invoices=invoices,
            max_amount=max_amount,
        )

        return customer_token_create

