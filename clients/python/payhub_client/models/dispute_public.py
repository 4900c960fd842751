from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.dispute_public_outcome_type_0 import DisputePublicOutcomeType0
from ..models.dispute_public_status import DisputePublicStatus
from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.evidence_public import EvidencePublic
  from ..models.money_public import MoneyPublic
  from ..models.posting_public import PostingPublic





T = TypeVar("T", bound="DisputePublic")



@_attrs_define
class DisputePublic:
    """ 
        Attributes:
            amount (MoneyPublic):
            created_at (str):
            dispute_reference (str): The provider's id of the dispute
            evidence (EvidencePublic):
            evidence_due_by (None | str):
            gateway (str):
            id (str):
            object_ (Literal['dispute']):
            opened_at (str):
            outcome (DisputePublicOutcomeType0 | None): Once decided: `accepted` is lost
            payment (str):
            postings (list[PostingPublic]): The GL entries it booked: the chargeback (Dr chargebacks receivable, Cr
                clearing), then its reversal (won) or the loss or reopened invoices (lost)
            raw_status (str): The provider's own status, as it said it
            reason (str):
            reason_code (None | str):
            resolved_at (None | str):
            source (str): notification | settlement: what told PayHub first
            status (DisputePublicStatus):
            updated_at (str):
     """

    amount: MoneyPublic
    created_at: str
    dispute_reference: str
    evidence: EvidencePublic
    evidence_due_by: None | str
    gateway: str
    id: str
    object_: Literal['dispute']
    opened_at: str
    outcome: DisputePublicOutcomeType0 | None
    payment: str
    postings: list[PostingPublic]
    raw_status: str
    reason: str
    reason_code: None | str
    resolved_at: None | str
    source: str
    status: DisputePublicStatus
    updated_at: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.evidence_public import EvidencePublic # noqa: PLC0415
        from ..models.money_public import MoneyPublic # noqa: PLC0415
        from ..models.posting_public import PostingPublic # noqa: PLC0415
        amount = self.amount.to_dict()

        created_at = self.created_at

        dispute_reference = self.dispute_reference

        evidence = self.evidence.to_dict()

        evidence_due_by: None | str
        evidence_due_by = self.evidence_due_by

        gateway = self.gateway

        id = self.id

        object_ = self.object_

        opened_at = self.opened_at

        outcome: None | str
        if isinstance(self.outcome, DisputePublicOutcomeType0):
            outcome = self.outcome.value
        else:
            outcome = self.outcome

        payment = self.payment

        postings = []
        for postings_item_data in self.postings:
            postings_item = postings_item_data.to_dict()
            postings.append(postings_item)



        raw_status = self.raw_status

        reason = self.reason

        reason_code: None | str
        reason_code = self.reason_code

        resolved_at: None | str
        resolved_at = self.resolved_at

        source = self.source

        status = self.status.value

        updated_at = self.updated_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "created_at": created_at,
            "dispute_reference": dispute_reference,
            "evidence": evidence,
            "evidence_due_by": evidence_due_by,
            "gateway": gateway,
            "id": id,
            "object": object_,
            "opened_at": opened_at,
            "outcome": outcome,
            "payment": payment,
            "postings": postings,
            "raw_status": raw_status,
            "reason": reason,
            "reason_code": reason_code,
            "resolved_at": resolved_at,
            "source": source,
            "status": status,
            "updated_at": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.evidence_public import EvidencePublic # noqa: PLC0415
        from ..models.money_public import MoneyPublic # noqa: PLC0415
        from ..models.posting_public import PostingPublic # noqa: PLC0415
        d = dict(src_dict)
        amount = MoneyPublic.from_dict(d.pop("amount"))




        created_at = d.pop("created_at")

        dispute_reference = d.pop("dispute_reference")

        evidence = EvidencePublic.from_dict(d.pop("evidence"))




        def _parse_evidence_due_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        evidence_due_by = _parse_evidence_due_by(d.pop("evidence_due_by"))


        gateway = d.pop("gateway")

        id = d.pop("id")

        object_ = cast(Literal['dispute'] , d.pop("object"))
        if object_ != 'dispute':
            raise ValueError(f"object must match const 'dispute', got '{object_}'")

        opened_at = d.pop("opened_at")

        def _parse_outcome(data: object) -> DisputePublicOutcomeType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                outcome_type_0 = DisputePublicOutcomeType0(data)



                return outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DisputePublicOutcomeType0 | None, data)

        outcome = _parse_outcome(d.pop("outcome"))


        payment = d.pop("payment")

        postings = []
        _postings = d.pop("postings")
        for postings_item_data in (_postings):
            postings_item = PostingPublic.from_dict(postings_item_data)



            postings.append(postings_item)


        raw_status = d.pop("raw_status")

        reason = d.pop("reason")

        def _parse_reason_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason_code = _parse_reason_code(d.pop("reason_code"))


        def _parse_resolved_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))


        source = d.pop("source")

        status = DisputePublicStatus(d.pop("status"))




        updated_at = d.pop("updated_at")

        dispute_public = cls(
            amount=amount,
            created_at=created_at,
            dispute_reference=dispute_reference,
            evidence=evidence,
            evidence_due_by=evidence_due_by,
            gateway=gateway,
            id=id,
            object_=object_,
            opened_at=opened_at,
            outcome=outcome,
            payment=payment,
            postings=postings,
            raw_status=raw_status,
            reason=reason,
            reason_code=reason_code,
            resolved_at=resolved_at,
            source=source,
            status=status,
            updated_at=updated_at,
        )


        dispute_public.additional_properties = d
        return dispute_public

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
