from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.portal_settings_payment_methods_item import PortalSettingsPaymentMethodsItem
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="PortalSettings")



@_attrs_define
class PortalSettings:
    """ What the customer portal offers (PUT /v1/portal_settings).

        Attributes:
            allow_autopay (bool | Unset):  Default: False.
            allow_partial_payments (bool | Unset):  Default: True.
            allowed_origins (list[str] | Unset): Origins (scheme://host[:port]) of the pages that may embed the widgets and
                the hosted card fields: CORS, the hosted-field page's Content-Security-Policy frame-ancestors and its
                postMessage checks use this list
            enabled (bool | Unset):  Default: False.
            invite_ttl_days (int | Unset):  Default: 7.
            payment_methods (list[PortalSettingsPaymentMethodsItem] | Unset):
            show_paid_invoices (bool | Unset):  Default: True.
            support_email (None | str | Unset):
     """

    allow_autopay: bool | Unset = False
    allow_partial_payments: bool | Unset = True
    allowed_origins: list[str] | Unset = UNSET
    enabled: bool | Unset = False
    invite_ttl_days: int | Unset = 7
    payment_methods: list[PortalSettingsPaymentMethodsItem] | Unset = UNSET
    show_paid_invoices: bool | Unset = True
    support_email: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        allow_autopay = self.allow_autopay

        allow_partial_payments = self.allow_partial_payments

        allowed_origins: list[str] | Unset = UNSET
        if not isinstance(self.allowed_origins, Unset):
            allowed_origins = self.allowed_origins



        enabled = self.enabled

        invite_ttl_days = self.invite_ttl_days

        payment_methods: list[str] | Unset = UNSET
        if not isinstance(self.payment_methods, Unset):
            payment_methods = []
            for payment_methods_item_data in self.payment_methods:
                payment_methods_item = payment_methods_item_data.value
                payment_methods.append(payment_methods_item)



        show_paid_invoices = self.show_paid_invoices

        support_email: None | str | Unset
        if isinstance(self.support_email, Unset):
            support_email = UNSET
        else:
            support_email = self.support_email


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if allow_autopay is not UNSET:
            field_dict["allow_autopay"] = allow_autopay
        if allow_partial_payments is not UNSET:
            field_dict["allow_partial_payments"] = allow_partial_payments
        if allowed_origins is not UNSET:
            field_dict["allowed_origins"] = allowed_origins
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if invite_ttl_days is not UNSET:
            field_dict["invite_ttl_days"] = invite_ttl_days
        if payment_methods is not UNSET:
            field_dict["payment_methods"] = payment_methods
        if show_paid_invoices is not UNSET:
            field_dict["show_paid_invoices"] = show_paid_invoices
        if support_email is not UNSET:
            field_dict["support_email"] = support_email

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allow_autopay = d.pop("allow_autopay", UNSET)

        allow_partial_payments = d.pop("allow_partial_payments", UNSET)

        allowed_origins = cast(list[str], d.pop("allowed_origins", UNSET))


        enabled = d.pop("enabled", UNSET)

        invite_ttl_days = d.pop("invite_ttl_days", UNSET)

        _payment_methods = d.pop("payment_methods", UNSET)
        payment_methods: list[PortalSettingsPaymentMethodsItem] | Unset = UNSET
        if _payment_methods is not UNSET:
            payment_methods = []
            for payment_methods_item_data in _payment_methods:
                payment_methods_item = PortalSettingsPaymentMethodsItem(payment_methods_item_data)



                payment_methods.append(payment_methods_item)


        show_paid_invoices = d.pop("show_paid_invoices", UNSET)

        def _parse_support_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        support_email = _parse_support_email(d.pop("support_email", UNSET))


        portal_settings = cls(
            allow_autopay=allow_autopay,
            allow_partial_payments=allow_partial_payments,
            allowed_origins=allowed_origins,
            enabled=enabled,
            invite_ttl_days=invite_ttl_days,
            payment_methods=payment_methods,
            show_paid_invoices=show_paid_invoices,
            support_email=support_email,
        )

        return portal_settings

