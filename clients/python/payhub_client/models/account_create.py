from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.account_create_settings import AccountCreateSettings





T = TypeVar("T", bound="AccountCreate")



@_attrs_define
class AccountCreate:
    """ 
        Attributes:
            erp_customer (str): The customer's id in the ERP
            email (None | str | Unset):
            portal_access (bool | Unset): Invite the customer to the portal (a 7-day invitation token) Default: False.
            settings (AccountCreateSettings | Unset):
     """

    erp_customer: str
    email: None | str | Unset = UNSET
    portal_access: bool | Unset = False
    settings: AccountCreateSettings | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.account_create_settings import AccountCreateSettings # noqa: PLC0415
        erp_customer = self.erp_customer

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        portal_access = self.portal_access

        settings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.settings, Unset):
            settings = self.settings.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "erp_customer": erp_customer,
        })
        if email is not UNSET:
            field_dict["email"] = email
        if portal_access is not UNSET:
            field_dict["portal_access"] = portal_access
        if settings is not UNSET:
            field_dict["settings"] = settings

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.account_create_settings import AccountCreateSettings # noqa: PLC0415
        d = dict(src_dict)
        erp_customer = d.pop("erp_customer")

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))


        portal_access = d.pop("portal_access", UNSET)

        _settings = d.pop("settings", UNSET)
        settings: AccountCreateSettings | Unset
        if isinstance(_settings,  Unset):
            settings = UNSET
        else:
            settings = AccountCreateSettings.from_dict(_settings)




        account_create = cls(
            erp_customer=erp_customer,
            email=email,
            portal_access=portal_access,
            settings=settings,
        )

        return account_create

