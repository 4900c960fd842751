from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.posting_public_status import PostingPublicStatus
from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.gl_entry_public import GLEntryPublic
  from ..models.posting_public_error_type_0 import PostingPublicErrorType0





T = TypeVar("T", bound="PostingPublic")



@_attrs_define
class PostingPublic:
    """ 
        Attributes:
            attempts (int):
            created_at (str):
            entries (list[GLEntryPublic]):
            erp (str):
            erp_reference (None | str):
            error (None | PostingPublicErrorType0):
            id (str):
            kind (str):
            memo (None | str):
            next_retry_at (None | str): When the worker retries a posting the ERP could not take
            object_ (Literal['posting']):
            payment (None | str): The payment it books; none for a settlement batch or a write-off
            posted_at (None | str):
            refund (None | str):
            source (None | str): The settlement batch, dispute or reconciliation exception it books
            status (PostingPublicStatus):
            warnings (list[str]): Extension hooks that failed after the ERP had the entry: the posting stands, and these say
                what went wrong
     """

    attempts: int
    created_at: str
    entries: list[GLEntryPublic]
    erp: str
    erp_reference: None | str
    error: None | PostingPublicErrorType0
    id: str
    kind: str
    memo: None | str
    next_retry_at: None | str
    object_: Literal['posting']
    payment: None | str
    posted_at: None | str
    refund: None | str
    source: None | str
    status: PostingPublicStatus
    warnings: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.gl_entry_public import GLEntryPublic # noqa: PLC0415
        from ..models.posting_public_error_type_0 import PostingPublicErrorType0 # noqa: PLC0415
        attempts = self.attempts

        created_at = self.created_at

        entries = []
        for entries_item_data in self.entries:
            entries_item = entries_item_data.to_dict()
            entries.append(entries_item)



        erp = self.erp

        erp_reference: None | str
        erp_reference = self.erp_reference

        error: dict[str, Any] | None
        if isinstance(self.error, PostingPublicErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        id = self.id

        kind = self.kind

        memo: None | str
        memo = self.memo

        next_retry_at: None | str
        next_retry_at = self.next_retry_at

        object_ = self.object_

        payment: None | str
        payment = self.payment

        posted_at: None | str
        posted_at = self.posted_at

        refund: None | str
        refund = self.refund

        source: None | str
        source = self.source

        status = self.status.value

        warnings = self.warnings




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempts": attempts,
            "created_at": created_at,
            "entries": entries,
            "erp": erp,
            "erp_reference": erp_reference,
            "error": error,
            "id": id,
            "kind": kind,
            "memo": memo,
            "next_retry_at": next_retry_at,
            "object": object_,
            "payment": payment,
            "posted_at": posted_at,
            "refund": refund,
            "source": source,
            "status": status,
            "warnings": warnings,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.gl_entry_public import GLEntryPublic # noqa: PLC0415
        from ..models.posting_public_error_type_0 import PostingPublicErrorType0 # noqa: PLC0415
        d = dict(src_dict)
        attempts = d.pop("attempts")

        created_at = d.pop("created_at")

        entries = []
        _entries = d.pop("entries")
        for entries_item_data in (_entries):
            entries_item = GLEntryPublic.from_dict(entries_item_data)



            entries.append(entries_item)


        erp = d.pop("erp")

        def _parse_erp_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        erp_reference = _parse_erp_reference(d.pop("erp_reference"))


        def _parse_error(data: object) -> None | PostingPublicErrorType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = PostingPublicErrorType0.from_dict(data)



                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PostingPublicErrorType0, data)

        error = _parse_error(d.pop("error"))


        id = d.pop("id")

        kind = d.pop("kind")

        def _parse_memo(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        memo = _parse_memo(d.pop("memo"))


        def _parse_next_retry_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_retry_at = _parse_next_retry_at(d.pop("next_retry_at"))


        object_ = cast(Literal['posting'] , d.pop("object"))
        if object_ != 'posting':
            raise ValueError(f"object must match const 'posting', got '{object_}'")

        def _parse_payment(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        payment = _parse_payment(d.pop("payment"))


        def _parse_posted_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        posted_at = _parse_posted_at(d.pop("posted_at"))


        def _parse_refund(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        refund = _parse_refund(d.pop("refund"))


        def _parse_source(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        source = _parse_source(d.pop("source"))


        status = PostingPublicStatus(d.pop("status"))




        warnings = cast(list[str], d.pop("warnings"))


        posting_public = cls(
            attempts=attempts,
            created_at=created_at,
            entries=entries,
            erp=erp,
            erp_reference=erp_reference,
            error=error,
            id=id,
            kind=kind,
            memo=memo,
            next_retry_at=next_retry_at,
            object_=object_,
            payment=payment,
            posted_at=posted_at,
            refund=refund,
            source=source,
            status=status,
            warnings=warnings,
        )


        posting_public.additional_properties = d
        return posting_public

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
