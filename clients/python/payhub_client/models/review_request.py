from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.review_request_format import ReviewRequestFormat
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.review_file import ReviewFile





T = TypeVar("T", bound="ReviewRequest")



@_attrs_define
class ReviewRequest:
    """ 
        Attributes:
            files (list[ReviewFile]):
            explain (bool | Unset): Add an explanation to each finding: the configured model's, else the rule's own text.
                Default: False.
            format_ (ReviewRequestFormat | Unset):  Default: ReviewRequestFormat.JSON.
     """

    files: list[ReviewFile]
    explain: bool | Unset = False
    format_: ReviewRequestFormat | Unset = ReviewRequestFormat.JSON
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.review_file import ReviewFile # noqa: PLC0415
        files = []
        for files_item_data in self.files:
            files_item = files_item_data.to_dict()
            files.append(files_item)



        explain = self.explain

        format_: str | Unset = UNSET
        if not isinstance(self.format_, Unset):
            format_ = self.format_.value



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "files": files,
        })
        if explain is not UNSET:
            field_dict["explain"] = explain
        if format_ is not UNSET:
            field_dict["format"] = format_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.review_file import ReviewFile # noqa: PLC0415
        d = dict(src_dict)
        files = []
        _files = d.pop("files")
        for files_item_data in (_files):
            files_item = ReviewFile.from_dict(files_item_data)



            files.append(files_item)


        explain = d.pop("explain", UNSET)

        _format_ = d.pop("format", UNSET)
        format_: ReviewRequestFormat | Unset
        if isinstance(_format_,  Unset):
            format_ = UNSET
        else:
            format_ = ReviewRequestFormat(_format_)




        review_request = cls(
            files=files,
            explain=explain,
            format_=format_,
        )


        review_request.additional_properties = d
        return review_request

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
