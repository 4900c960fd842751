from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.ach_token_in import AchTokenIn
  from ..models.card_in import CardIn





T = TypeVar("T", bound="TokenCreate")



@_attrs_define
class TokenCreate:
    """ 
        Attributes:
            ach (AchTokenIn | None | Unset):
            card (CardIn | None | Unset):
            customer (None | str | Unset): Only this customer may pay with the token (a customer token's own customer is
                implied)
     """

    ach: AchTokenIn | None | Unset = UNSET
    card: CardIn | None | Unset = UNSET
    customer: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.ach_token_in import AchTokenIn # noqa: PLC0415
        from ..models.card_in import CardIn # noqa: PLC0415
        ach: dict[str, Any] | None | Unset
        if isinstance(self.ach, Unset):
            ach = UNSET
        elif isinstance(self.ach, AchTokenIn):
            ach = self.ach.to_dict()
        else:
            ach = self.ach

        card: dict[str, Any] | None | Unset
        if isinstance(self.card, Unset):
            card = UNSET
        elif isinstance(self.card, CardIn):
            card = self.card.to_dict()
        else:
            card = self.card

        customer: None | str | Unset
        if isinstance(self.customer, Unset):
            customer = UNSET
        else:
            customer = self.customer


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if ach is not UNSET:
            field_dict["ach"] = ach
        if card is not UNSET:
            field_dict["card"] = card
        if customer is not UNSET:
            field_dict["customer"] = customer

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ach_token_in import AchTokenIn # noqa: PLC0415
        from ..models.card_in import CardIn # noqa: PLC0415
        d = dict(src_dict)
        def _parse_ach(data: object) -> AchTokenIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                ach_type_0 = AchTokenIn.from_dict(data)



                return ach_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AchTokenIn | None | Unset, data)

        ach = _parse_ach(d.pop("ach", UNSET))


        def _parse_card(data: object) -> CardIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                card_type_0 = CardIn.from_dict(data)



                return card_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CardIn | None | Unset, data)

        card = _parse_card(d.pop("card", UNSET))


        def _parse_customer(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer = _parse_customer(d.pop("customer", UNSET))


        token_create = cls(
            ach=ach,
            card=card,
            customer=customer,
        )

        return token_create

