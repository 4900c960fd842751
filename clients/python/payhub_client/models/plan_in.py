from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="PlanIn")



@_attrs_define
class PlanIn:
    """ 
        Attributes:
            document (str): The configuration file (YAML)
     """

    document: str





    def to_dict(self) -> dict[str, Any]:
        document = self.document


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "document": document,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        document = d.pop("document")

        plan_in = cls(
            document=document,
        )

        return plan_in

