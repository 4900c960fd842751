from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.money_public import MoneyPublic
  from ..models.posting_public import PostingPublic





T = TypeVar("T", bound="RefundPublic")



@_attrs_define
class RefundPublic:
    """ 
        Attributes:
            amount (MoneyPublic):
            created_at (str):
            gateway_reference (None | str):
            id (str):
            object_ (Literal['refund']):
            payment (str):
            posting (None | PostingPublic):
            reason (str):
            status (str):
     """

    amount: MoneyPublic
    created_at: str
    gateway_reference: None | str
    id: str
    object_: Literal['refund']
    payment: str
    posting: None | PostingPublic
    reason: str
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.money_public import MoneyPublic # noqa: PLC0415
        from ..models.posting_public import PostingPublic # noqa: PLC0415
        amount = self.amount.to_dict()

        created_at = self.created_at

        gateway_reference: None | str
        gateway_reference = self.gateway_reference

        id = self.id

        object_ = self.object_

        payment = self.payment

        posting: dict[str, Any] | None
        if isinstance(self.posting, PostingPublic):
            posting = self.posting.to_dict()
        else:
            posting = self.posting

        reason = self.reason

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "created_at": created_at,
            "gateway_reference": gateway_reference,
            "id": id,
            "object": object_,
            "payment": payment,
            "posting": posting,
            "reason": reason,
            "status": status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.money_public import MoneyPublic # noqa: PLC0415
        from ..models.posting_public import PostingPublic # noqa: PLC0415
        d = dict(src_dict)
        amount = MoneyPublic.from_dict(d.pop("amount"))




        created_at = d.pop("created_at")

        def _parse_gateway_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        gateway_reference = _parse_gateway_reference(d.pop("gateway_reference"))


        id = d.pop("id")

        object_ = cast(Literal['refund'] , d.pop("object"))
        if object_ != 'refund':
            raise ValueError(f"object must match const 'refund', got '{object_}'")

        payment = d.pop("payment")

        def _parse_posting(data: object) -> None | PostingPublic:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                posting_type_0 = PostingPublic.from_dict(data)



                return posting_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PostingPublic, data)

        posting = _parse_posting(d.pop("posting"))


        reason = d.pop("reason")

        status = d.pop("status")

        refund_public = cls(
            amount=amount,
            created_at=created_at,
            gateway_reference=gateway_reference,
            id=id,
            object_=object_,
            payment=payment,
            posting=posting,
            reason=reason,
            status=status,
        )


        refund_public.additional_properties = d
        return refund_public

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
