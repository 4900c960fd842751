from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.mandate_in_frequency import MandateInFrequency
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.mandate_amount_range import MandateAmountRange
  from ..models.money_in import MoneyIn





T = TypeVar("T", bound="MandateIn")



@_attrs_define
class MandateIn:
    """ A NACHA WEB debit authorization: how much, how often, and how the customer revokes it.

        Attributes:
            frequency (MandateInFrequency):
            revocation (str): How the customer revokes it, as shown
            amount (MoneyIn | None | Unset): A fixed amount
            amount_range (MandateAmountRange | None | Unset): A variable amount within this range
     """

    frequency: MandateInFrequency
    revocation: str
    amount: MoneyIn | None | Unset = UNSET
    amount_range: MandateAmountRange | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.mandate_amount_range import MandateAmountRange # noqa: PLC0415
        from ..models.money_in import MoneyIn # noqa: PLC0415
        frequency = self.frequency.value

        revocation = self.revocation

        amount: dict[str, Any] | None | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        elif isinstance(self.amount, MoneyIn):
            amount = self.amount.to_dict()
        else:
            amount = self.amount

        amount_range: dict[str, Any] | None | Unset
        if isinstance(self.amount_range, Unset):
            amount_range = UNSET
        elif isinstance(self.amount_range, MandateAmountRange):
            amount_range = self.amount_range.to_dict()
        else:
            amount_range = self.amount_range


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "frequency": frequency,
            "revocation": revocation,
        })
        if amount is not UNSET:
            field_dict["amount"] = amount
        if amount_range is not UNSET:
            field_dict["amount_range"] = amount_range

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.mandate_amount_range import MandateAmountRange # noqa: PLC0415
        from ..models.money_in import MoneyIn # noqa: PLC0415
        d = dict(src_dict)
        frequency = MandateInFrequency(d.pop("frequency"))




        revocation = d.pop("revocation")

        def _parse_amount(data: object) -> MoneyIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                amount_type_0 = MoneyIn.from_dict(data)



                return amount_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MoneyIn | None | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))


        def _parse_amount_range(data: object) -> MandateAmountRange | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                amount_range_type_0 = MandateAmountRange.from_dict(data)



                return amount_range_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MandateAmountRange | None | Unset, data)

        amount_range = _parse_amount_range(d.pop("amount_range", UNSET))


        mandate_in = cls(
            frequency=frequency,
            revocation=revocation,
            amount=amount,
            amount_range=amount_range,
        )

        return mandate_in

