from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.resolution_action import ResolutionAction
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.entry_line import EntryLine





T = TypeVar("T", bound="Resolution")



@_attrs_define
class Resolution:
    """ 
        Attributes:
            action (ResolutionAction):
            reason (str):
            entry (list[EntryLine] | None | Unset): write_off: the lines to post instead of the proposal's
            match (None | str | Unset): manual_match: the other side, a payment, refund or dispute id, or a settlement line
                id (stl_…)
     """

    action: ResolutionAction
    reason: str
    entry: list[EntryLine] | None | Unset = UNSET
    match: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.entry_line import EntryLine # noqa: PLC0415
        action = self.action.value

        reason = self.reason

        entry: list[dict[str, Any]] | None | Unset
        if isinstance(self.entry, Unset):
            entry = UNSET
        elif isinstance(self.entry, list):
            entry = []
            for entry_type_0_item_data in self.entry:
                entry_type_0_item = entry_type_0_item_data.to_dict()
                entry.append(entry_type_0_item)


        else:
            entry = self.entry

        match: None | str | Unset
        if isinstance(self.match, Unset):
            match = UNSET
        else:
            match = self.match


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "action": action,
            "reason": reason,
        })
        if entry is not UNSET:
            field_dict["entry"] = entry
        if match is not UNSET:
            field_dict["match"] = match

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.entry_line import EntryLine # noqa: PLC0415
        d = dict(src_dict)
        action = ResolutionAction(d.pop("action"))




        reason = d.pop("reason")

        def _parse_entry(data: object) -> list[EntryLine] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                entry_type_0 = []
                _entry_type_0 = data
                for entry_type_0_item_data in (_entry_type_0):
                    entry_type_0_item = EntryLine.from_dict(entry_type_0_item_data)



                    entry_type_0.append(entry_type_0_item)

                return entry_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[EntryLine] | None | Unset, data)

        entry = _parse_entry(d.pop("entry", UNSET))


        def _parse_match(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        match = _parse_match(d.pop("match", UNSET))


        resolution = cls(
            action=action,
            reason=reason,
            entry=entry,
            match=match,
        )

        return resolution

