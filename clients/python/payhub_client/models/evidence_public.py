from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.evidence_file_public import EvidenceFilePublic
  from ..models.evidence_public_fields import EvidencePublicFields





T = TypeVar("T", bound="EvidencePublic")



@_attrs_define
class EvidencePublic:
    """ 
        Attributes:
            fields (EvidencePublicFields): The standard evidence fields given so far
            files (list[EvidenceFilePublic]): The files' metadata; their content is never shown
            submitted_at (None | str): When the evidence was last submitted to the gateway
     """

    fields: EvidencePublicFields
    files: list[EvidenceFilePublic]
    submitted_at: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.evidence_file_public import EvidenceFilePublic # noqa: PLC0415
        from ..models.evidence_public_fields import EvidencePublicFields # noqa: PLC0415
        fields = self.fields.to_dict()

        files = []
        for files_item_data in self.files:
            files_item = files_item_data.to_dict()
            files.append(files_item)



        submitted_at: None | str
        submitted_at = self.submitted_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "fields": fields,
            "files": files,
            "submitted_at": submitted_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.evidence_file_public import EvidenceFilePublic # noqa: PLC0415
        from ..models.evidence_public_fields import EvidencePublicFields # noqa: PLC0415
        d = dict(src_dict)
        fields = EvidencePublicFields.from_dict(d.pop("fields"))




        files = []
        _files = d.pop("files")
        for files_item_data in (_files):
            files_item = EvidenceFilePublic.from_dict(files_item_data)



            files.append(files_item)


        def _parse_submitted_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        submitted_at = _parse_submitted_at(d.pop("submitted_at"))


        evidence_public = cls(
            fields=fields,
            files=files,
            submitted_at=submitted_at,
        )


        evidence_public.additional_properties = d
        return evidence_public

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
