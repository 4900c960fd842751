from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.erp_settings_type import ErpSettingsType
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.erp_settings_mapping_type_0 import ErpSettingsMappingType0





T = TypeVar("T", bound="ErpSettings")



@_attrs_define
class ErpSettings:
    """ The entity's own ERP connector; {"type": "default"} (or nothing) uses the server's.

        Attributes:
            type_ (ErpSettingsType):
            database (None | str | Unset):
            mapping (ErpSettingsMappingType0 | None | Unset): The connector's mapping of this entity to the ERP's records
                (for Tryton: company, accounts and payment method)
            password (None | str | Unset): Stored sealed; never shown again
            password_env (None | str | Unset): Configuration as code: the environment variable that holds the password when
                the file is applied
            timeout_s (float | Unset):  Default: 10.0.
            url (None | str | Unset):
            user (str | Unset):  Default: 'admin'.
     """

    type_: ErpSettingsType
    database: None | str | Unset = UNSET
    mapping: ErpSettingsMappingType0 | None | Unset = UNSET
    password: None | str | Unset = UNSET
    password_env: None | str | Unset = UNSET
    timeout_s: float | Unset = 10.0
    url: None | str | Unset = UNSET
    user: str | Unset = 'admin'





    def to_dict(self) -> dict[str, Any]:
        from ..models.erp_settings_mapping_type_0 import ErpSettingsMappingType0 # noqa: PLC0415
        type_ = self.type_.value

        database: None | str | Unset
        if isinstance(self.database, Unset):
            database = UNSET
        else:
            database = self.database

        mapping: dict[str, Any] | None | Unset
        if isinstance(self.mapping, Unset):
            mapping = UNSET
        elif isinstance(self.mapping, ErpSettingsMappingType0):
            mapping = self.mapping.to_dict()
        else:
            mapping = self.mapping

        password: None | str | Unset
        if isinstance(self.password, Unset):
            password = UNSET
        else:
            password = self.password

        password_env: None | str | Unset
        if isinstance(self.password_env, Unset):
            password_env = UNSET
        else:
            password_env = self.password_env

        timeout_s = self.timeout_s

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        user = self.user


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "type": type_,
        })
        if database is not UNSET:
            field_dict["database"] = database
        if mapping is not UNSET:
            field_dict["mapping"] = mapping
        if password is not UNSET:
            field_dict["password"] = password
        if password_env is not UNSET:
            field_dict["password_env"] = password_env
        if timeout_s is not UNSET:
            field_dict["timeout_s"] = timeout_s
        if url is not UNSET:
            field_dict["url"] = url
        if user is not UNSET:
            field_dict["user"] = user

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.erp_settings_mapping_type_0 import ErpSettingsMappingType0 # noqa: PLC0415
        d = dict(src_dict)
        type_ = ErpSettingsType(d.pop("type"))




        def _parse_database(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        database = _parse_database(d.pop("database", UNSET))


        def _parse_mapping(data: object) -> ErpSettingsMappingType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mapping_type_0 = ErpSettingsMappingType0.from_dict(data)



                return mapping_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErpSettingsMappingType0 | None | Unset, data)

        mapping = _parse_mapping(d.pop("mapping", UNSET))


        def _parse_password(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        password = _parse_password(d.pop("password", UNSET))


        def _parse_password_env(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        password_env = _parse_password_env(d.pop("password_env", UNSET))


        timeout_s = d.pop("timeout_s", UNSET)

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))


        user = d.pop("user", UNSET)

        erp_settings = cls(
            type_=type_,
            database=database,
            mapping=mapping,
            password=password,
            password_env=password_env,
            timeout_s=timeout_s,
            url=url,
            user=user,
        )

        return erp_settings

