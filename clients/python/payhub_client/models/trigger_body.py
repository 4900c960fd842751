from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.trigger_body_data import TriggerBodyData





T = TypeVar("T", bound="TriggerBody")



@_attrs_define
class TriggerBody:
    """ 
        Attributes:
            event_type (str): An event type of the catalogue (GET /v1/event_types)
            data (TriggerBodyData | Unset): Deep-merged into the event's `data`
            endpoint (None | str | Unset): Or the endpoint's id (we_…); with neither, every enabled endpoint that subscribes
                to the type
            url (None | str | Unset): The URL of one of the entity's webhook endpoints
     """

    event_type: str
    data: TriggerBodyData | Unset = UNSET
    endpoint: None | str | Unset = UNSET
    url: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.trigger_body_data import TriggerBodyData # noqa: PLC0415
        event_type = self.event_type

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        endpoint: None | str | Unset
        if isinstance(self.endpoint, Unset):
            endpoint = UNSET
        else:
            endpoint = self.endpoint

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "event_type": event_type,
        })
        if data is not UNSET:
            field_dict["data"] = data
        if endpoint is not UNSET:
            field_dict["endpoint"] = endpoint
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.trigger_body_data import TriggerBodyData # noqa: PLC0415
        d = dict(src_dict)
        event_type = d.pop("event_type")

        _data = d.pop("data", UNSET)
        data: TriggerBodyData | Unset
        if isinstance(_data,  Unset):
            data = UNSET
        else:
            data = TriggerBodyData.from_dict(_data)




        def _parse_endpoint(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        endpoint = _parse_endpoint(d.pop("endpoint", UNSET))


        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))


        trigger_body = cls(
            event_type=event_type,
            data=data,
            endpoint=endpoint,
            url=url,
        )

        return trigger_body

