from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="NotificationsReceived")



@_attrs_define
class NotificationsReceived:
    """ 
        Attributes:
            duplicates (int): Of those, events already on record (redeliveries): nothing changed
            received (int): Notifications in the request, all acknowledged
            object_ (str | Unset):  Default: 'notification_receipt'.
     """

    duplicates: int
    received: int
    object_: str | Unset = 'notification_receipt'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        duplicates = self.duplicates

        received = self.received

        object_ = self.object_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "duplicates": duplicates,
            "received": received,
        })
        if object_ is not UNSET:
            field_dict["object"] = object_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        duplicates = d.pop("duplicates")

        received = d.pop("received")

        object_ = d.pop("object", UNSET)

        notifications_received = cls(
            duplicates=duplicates,
            received=received,
            object_=object_,
        )


        notifications_received.additional_properties = d
        return notifications_received

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
