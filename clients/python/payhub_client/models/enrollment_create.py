from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.rule_in import RuleIn





T = TypeVar("T", bound="EnrollmentCreate")



@_attrs_define
class EnrollmentCreate:
    """ 
        Attributes:
            customer (str):
            payment_method (str): A saved payment method of the customer
            rule (RuleIn):
     """

    customer: str
    payment_method: str
    rule: RuleIn





    def to_dict(self) -> dict[str, Any]:
        from ..models.rule_in import RuleIn # noqa: PLC0415
        customer = self.customer

        payment_method = self.payment_method

        rule = self.rule.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "customer": customer,
            "payment_method": payment_method,
            "rule": rule,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rule_in import RuleIn # noqa: PLC0415
        d = dict(src_dict)
        customer = d.pop("customer")

        payment_method = d.pop("payment_method")

        rule = RuleIn.from_dict(d.pop("rule"))




        enrollment_create = cls(
            customer=customer,
            payment_method=payment_method,
            rule=rule,
        )

        return enrollment_create

