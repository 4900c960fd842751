from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="CardIn")



@_attrs_define
class CardIn:
    """ 
        Attributes:
            exp_month (int):
            exp_year (int):
            number (str): Test PAN; never stored or logged
            cvc (None | str | Unset):
     """

    exp_month: int
    exp_year: int
    number: str
    cvc: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        exp_month = self.exp_month

        exp_year = self.exp_year

        number = self.number

        cvc: None | str | Unset
        if isinstance(self.cvc, Unset):
            cvc = UNSET
        else:
            cvc = self.cvc


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "exp_month": exp_month,
            "exp_year": exp_year,
            "number": number,
        })
        if cvc is not UNSET:
            field_dict["cvc"] = cvc

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        exp_month = d.pop("exp_month")

        exp_year = d.pop("exp_year")

        number = d.pop("number")

        def _parse_cvc(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cvc = _parse_cvc(d.pop("cvc", UNSET))


        card_in = cls(
            exp_month=exp_month,
            exp_year=exp_year,
            number=number,
            cvc=cvc,
        )

        return card_in

