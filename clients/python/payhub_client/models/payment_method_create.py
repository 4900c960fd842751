from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.consent_in import ConsentIn
  from ..models.mandate_in import MandateIn





T = TypeVar("T", bound="PaymentMethodCreate")



@_attrs_define
class PaymentMethodCreate:
    """ 
        Attributes:
            consent (ConsentIn):
            token (str):
            mandate (MandateIn | None | Unset): Required for a bank account (NACHA WEB)
     """

    consent: ConsentIn
    token: str
    mandate: MandateIn | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.consent_in import ConsentIn # noqa: PLC0415
        from ..models.mandate_in import MandateIn # noqa: PLC0415
        consent = self.consent.to_dict()

        token = self.token

        mandate: dict[str, Any] | None | Unset
        if isinstance(self.mandate, Unset):
            mandate = UNSET
        elif isinstance(self.mandate, MandateIn):
            mandate = self.mandate.to_dict()
        else:
            mandate = self.mandate


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "consent": consent,
            "token": token,
        })
        if mandate is not UNSET:
            field_dict["mandate"] = mandate

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consent_in import ConsentIn # noqa: PLC0415
        from ..models.mandate_in import MandateIn # noqa: PLC0415
        d = dict(src_dict)
        consent = ConsentIn.from_dict(d.pop("consent"))




        token = d.pop("token")

        def _parse_mandate(data: object) -> MandateIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mandate_type_0 = MandateIn.from_dict(data)



                return mandate_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MandateIn | None | Unset, data)

        mandate = _parse_mandate(d.pop("mandate", UNSET))


        payment_method_create = cls(
            consent=consent,
            token=token,
            mandate=mandate,
        )

        return payment_method_create

