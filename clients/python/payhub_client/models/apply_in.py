from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ApplyIn")



@_attrs_define
class ApplyIn:
    """ 
        Attributes:
            base_version (int): The `base_version` of the plan you reviewed; 409 config_version_conflict if the
                configuration changed since
            document (str): The configuration file (YAML)
     """

    base_version: int
    document: str





    def to_dict(self) -> dict[str, Any]:
        base_version = self.base_version

        document = self.document


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "base_version": base_version,
            "document": document,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        base_version = d.pop("base_version")

        document = d.pop("document")

        apply_in = cls(
            base_version=base_version,
            document=document,
        )

        return apply_in

