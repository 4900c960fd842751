from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.key_create_scope import KeyCreateScope
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="KeyCreate")



@_attrs_define
class KeyCreate:
    """ 
        Attributes:
            scope (KeyCreateScope):
            expires_at (datetime.datetime | None | Unset):
            name (str | Unset):  Default: ''.
            platform (bool | Unset): A key for every entity (only a platform key may make one) Default: False.
            rate_limit_per_s (int | None | Unset): Default: the server's limit
     """

    scope: KeyCreateScope
    expires_at: datetime.datetime | None | Unset = UNSET
    name: str | Unset = ''
    platform: bool | Unset = False
    rate_limit_per_s: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        scope = self.scope.value

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        name = self.name

        platform = self.platform

        rate_limit_per_s: int | None | Unset
        if isinstance(self.rate_limit_per_s, Unset):
            rate_limit_per_s = UNSET
        else:
            rate_limit_per_s = self.rate_limit_per_s


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "scope": scope,
        })
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if name is not UNSET:
            field_dict["name"] = name
        if platform is not UNSET:
            field_dict["platform"] = platform
        if rate_limit_per_s is not UNSET:
            field_dict["rate_limit_per_s"] = rate_limit_per_s

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        scope = KeyCreateScope(d.pop("scope"))




        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))


        name = d.pop("name", UNSET)

        platform = d.pop("platform", UNSET)

        def _parse_rate_limit_per_s(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        rate_limit_per_s = _parse_rate_limit_per_s(d.pop("rate_limit_per_s", UNSET))


        key_create = cls(
            scope=scope,
            expires_at=expires_at,
            name=name,
            platform=platform,
            rate_limit_per_s=rate_limit_per_s,
        )

        return key_create

