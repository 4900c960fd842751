from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.evidence_file_public_content_type import EvidenceFilePublicContentType
from typing import cast






T = TypeVar("T", bound="EvidenceFilePublic")



@_attrs_define
class EvidenceFilePublic:
    """ 
        Attributes:
            content_type (EvidenceFilePublicContentType):
            filename (str):
            id (str):
            purpose (str): The evidence field the file backs (receipt, customer_communication…)
            sha256 (str):
            size (int):
            submitted_at (None | str):
            uploaded_at (str):
     """

    content_type: EvidenceFilePublicContentType
    filename: str
    id: str
    purpose: str
    sha256: str
    size: int
    submitted_at: None | str
    uploaded_at: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type.value

        filename = self.filename

        id = self.id

        purpose = self.purpose

        sha256 = self.sha256

        size = self.size

        submitted_at: None | str
        submitted_at = self.submitted_at

        uploaded_at = self.uploaded_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "content_type": content_type,
            "filename": filename,
            "id": id,
            "purpose": purpose,
            "sha256": sha256,
            "size": size,
            "submitted_at": submitted_at,
            "uploaded_at": uploaded_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_type = EvidenceFilePublicContentType(d.pop("content_type"))




        filename = d.pop("filename")

        id = d.pop("id")

        purpose = d.pop("purpose")

        sha256 = d.pop("sha256")

        size = d.pop("size")

        def _parse_submitted_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        submitted_at = _parse_submitted_at(d.pop("submitted_at"))


        uploaded_at = d.pop("uploaded_at")

        evidence_file_public = cls(
            content_type=content_type,
            filename=filename,
            id=id,
            purpose=purpose,
            sha256=sha256,
            size=size,
            submitted_at=submitted_at,
            uploaded_at=uploaded_at,
        )


        evidence_file_public.additional_properties = d
        return evidence_file_public

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
