from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.rule_set_in_rules_item import RuleSetInRulesItem





T = TypeVar("T", bound="RuleSetIn")



@_attrs_define
class RuleSetIn:
    """ 
        Attributes:
            default (list[str]): The entity's default route: gateways in order
            exploration_percent (int | Unset):  Default: 5.
            rules (list[RuleSetInRulesItem] | Unset): Each: {"id", "priority", "when": {conditions}, "gateways": [..] |
                "split": {"gw": weight}}. Conditions: amount_min, amount_max, currencies, methods, card_brands, bin_ranges,
                card_countries, customers, segments, customer_metadata, invoice_metadata, channels
            success_rate_routing (bool | Unset):  Default: False.
     """

    default: list[str]
    exploration_percent: int | Unset = 5
    rules: list[RuleSetInRulesItem] | Unset = UNSET
    success_rate_routing: bool | Unset = False





    def to_dict(self) -> dict[str, Any]:
        from ..models.rule_set_in_rules_item import RuleSetInRulesItem # noqa: PLC0415
        default = self.default



        exploration_percent = self.exploration_percent

        rules: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rules, Unset):
            rules = []
            for rules_item_data in self.rules:
                rules_item = rules_item_data.to_dict()
                rules.append(rules_item)



        success_rate_routing = self.success_rate_routing


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "default": default,
        })
        if exploration_percent is not UNSET:
            field_dict["exploration_percent"] = exploration_percent
        if rules is not UNSET:
            field_dict["rules"] = rules
        if success_rate_routing is not UNSET:
            field_dict["success_rate_routing"] = success_rate_routing

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rule_set_in_rules_item import RuleSetInRulesItem # noqa: PLC0415
        d = dict(src_dict)
        default = cast(list[str], d.pop("default"))


        exploration_percent = d.pop("exploration_percent", UNSET)

        _rules = d.pop("rules", UNSET)
        rules: list[RuleSetInRulesItem] | Unset = UNSET
        if _rules is not UNSET:
            rules = []
            for rules_item_data in _rules:
                rules_item = RuleSetInRulesItem.from_dict(rules_item_data)



                rules.append(rules_item)


        success_rate_routing = d.pop("success_rate_routing", UNSET)

        rule_set_in = cls(
            default=default,
            exploration_percent=exploration_percent,
            rules=rules,
            success_rate_routing=success_rate_routing,
        )

        return rule_set_in

