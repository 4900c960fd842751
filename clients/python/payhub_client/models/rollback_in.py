from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="RollbackIn")



@_attrs_define
class RollbackIn:
    """ 
        Attributes:
            version (int): Apply the file of this config version again, as a new version
            base_version (int | None | Unset): Default: the current version
     """

    version: int
    base_version: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        version = self.version

        base_version: int | None | Unset
        if isinstance(self.base_version, Unset):
            base_version = UNSET
        else:
            base_version = self.base_version


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "version": version,
        })
        if base_version is not UNSET:
            field_dict["base_version"] = base_version

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        version = d.pop("version")

        def _parse_base_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        base_version = _parse_base_version(d.pop("base_version", UNSET))


        rollback_in = cls(
            version=version,
            base_version=base_version,
        )

        return rollback_in

