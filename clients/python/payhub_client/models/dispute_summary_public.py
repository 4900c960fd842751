from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.dispute_summary_public_outcome_type_0 import DisputeSummaryPublicOutcomeType0
from typing import cast

if TYPE_CHECKING:
  from ..models.money_public import MoneyPublic





T = TypeVar("T", bound="DisputeSummaryPublic")



@_attrs_define
class DisputeSummaryPublic:
    """ 
        Attributes:
            amount (MoneyPublic):
            evidence_due_by (None | str):
            id (str):
            opened_at (str):
            outcome (DisputeSummaryPublicOutcomeType0 | None):
            reason (str):
            status (str): Normalized: warning_needs_response, needs_response, under_review, won, lost…
     """

    amount: MoneyPublic
    evidence_due_by: None | str
    id: str
    opened_at: str
    outcome: DisputeSummaryPublicOutcomeType0 | None
    reason: str
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.money_public import MoneyPublic # noqa: PLC0415
        amount = self.amount.to_dict()

        evidence_due_by: None | str
        evidence_due_by = self.evidence_due_by

        id = self.id

        opened_at = self.opened_at

        outcome: None | str
        if isinstance(self.outcome, DisputeSummaryPublicOutcomeType0):
            outcome = self.outcome.value
        else:
            outcome = self.outcome

        reason = self.reason

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount": amount,
            "evidence_due_by": evidence_due_by,
            "id": id,
            "opened_at": opened_at,
            "outcome": outcome,
            "reason": reason,
            "status": status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.money_public import MoneyPublic # noqa: PLC0415
        d = dict(src_dict)
        amount = MoneyPublic.from_dict(d.pop("amount"))




        def _parse_evidence_due_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        evidence_due_by = _parse_evidence_due_by(d.pop("evidence_due_by"))


        id = d.pop("id")

        opened_at = d.pop("opened_at")

        def _parse_outcome(data: object) -> DisputeSummaryPublicOutcomeType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                outcome_type_0 = DisputeSummaryPublicOutcomeType0(data)



                return outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DisputeSummaryPublicOutcomeType0 | None, data)

        outcome = _parse_outcome(d.pop("outcome"))


        reason = d.pop("reason")

        status = d.pop("status")

        dispute_summary_public = cls(
            amount=amount,
            evidence_due_by=evidence_due_by,
            id=id,
            opened_at=opened_at,
            outcome=outcome,
            reason=reason,
            status=status,
        )


        dispute_summary_public.additional_properties = d
        return dispute_summary_public

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
