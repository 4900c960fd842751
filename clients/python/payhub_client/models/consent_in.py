from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ConsentIn")



@_attrs_define
class ConsentIn:
    """ 
        Attributes:
            accepted (bool): The customer ticked their agreement
            text (str): Exactly the text the customer accepted
            ip (None | str | Unset): API keys only: where the customer accepted
            user_agent (None | str | Unset): API keys only: the customer's browser
     """

    accepted: bool
    text: str
    ip: None | str | Unset = UNSET
    user_agent: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        accepted = self.accepted

        text = self.text

        ip: None | str | Unset
        if isinstance(self.ip, Unset):
            ip = UNSET
        else:
            ip = self.ip

        user_agent: None | str | Unset
        if isinstance(self.user_agent, Unset):
            user_agent = UNSET
        else:
            user_agent = self.user_agent


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "accepted": accepted,
            "text": text,
        })
        if ip is not UNSET:
            field_dict["ip"] = ip
        if user_agent is not UNSET:
            field_dict["user_agent"] = user_agent

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        accepted = d.pop("accepted")

        text = d.pop("text")

        def _parse_ip(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ip = _parse_ip(d.pop("ip", UNSET))


        def _parse_user_agent(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_agent = _parse_user_agent(d.pop("user_agent", UNSET))


        consent_in = cls(
            accepted=accepted,
            text=text,
            ip=ip,
            user_agent=user_agent,
        )

        return consent_in

