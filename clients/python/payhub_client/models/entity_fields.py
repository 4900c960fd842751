from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.fee_allocation import FeeAllocation
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.dispute_settings_config import DisputeSettingsConfig
  from ..models.entity_fields_branding_type_0 import EntityFieldsBrandingType0
  from ..models.entity_fields_posting_rules_type_0 import EntityFieldsPostingRulesType0
  from ..models.erp_settings import ErpSettings
  from ..models.reconciliation_settings_config import ReconciliationSettingsConfig





T = TypeVar("T", bound="EntityFields")



@_attrs_define
class EntityFields:
    """ 
        Attributes:
            branding (EntityFieldsBrandingType0 | None | Unset): Portal name, colours, logo URL
            capture_fee_allocation (FeeAllocation | None | Unset): How a partial capture splits between fees and invoices
                (refunds mirror it): proportional (the default: the fees get their share, rounded half to even) or fees_first
            disputes (DisputeSettingsConfig | None | Unset): How a lost dispute is booked
            erp (ErpSettings | None | Unset):
            gateway (None | str | Unset): The default gateway (routing rules may override it)
            name (None | str | Unset):
            posting_rules (EntityFieldsPostingRulesType0 | None | Unset): PayHub GL roles → the ERP's account codes
            reconciliation (None | ReconciliationSettingsConfig | Unset): How reconciliation judges breaks, and how often it
                runs
            timezone (None | str | Unset):
     """

    branding: EntityFieldsBrandingType0 | None | Unset = UNSET
    capture_fee_allocation: FeeAllocation | None | Unset = UNSET
    disputes: DisputeSettingsConfig | None | Unset = UNSET
    erp: ErpSettings | None | Unset = UNSET
    gateway: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    posting_rules: EntityFieldsPostingRulesType0 | None | Unset = UNSET
    reconciliation: None | ReconciliationSettingsConfig | Unset = UNSET
    timezone: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.dispute_settings_config import DisputeSettingsConfig # noqa: PLC0415
        from ..models.entity_fields_branding_type_0 import EntityFieldsBrandingType0 # noqa: PLC0415
        from ..models.entity_fields_posting_rules_type_0 import EntityFieldsPostingRulesType0 # noqa: PLC0415
        from ..models.erp_settings import ErpSettings # noqa: PLC0415
        from ..models.reconciliation_settings_config import ReconciliationSettingsConfig # noqa: PLC0415
        branding: dict[str, Any] | None | Unset
        if isinstance(self.branding, Unset):
            branding = UNSET
        elif isinstance(self.branding, EntityFieldsBrandingType0):
            branding = self.branding.to_dict()
        else:
            branding = self.branding

        capture_fee_allocation: None | str | Unset
        if isinstance(self.capture_fee_allocation, Unset):
            capture_fee_allocation = UNSET
        elif isinstance(self.capture_fee_allocation, FeeAllocation):
            capture_fee_allocation = self.capture_fee_allocation.value
        else:
            capture_fee_allocation = self.capture_fee_allocation

        disputes: dict[str, Any] | None | Unset
        if isinstance(self.disputes, Unset):
            disputes = UNSET
        elif isinstance(self.disputes, DisputeSettingsConfig):
            disputes = self.disputes.to_dict()
        else:
            disputes = self.disputes

        erp: dict[str, Any] | None | Unset
        if isinstance(self.erp, Unset):
            erp = UNSET
        elif isinstance(self.erp, ErpSettings):
            erp = self.erp.to_dict()
        else:
            erp = self.erp

        gateway: None | str | Unset
        if isinstance(self.gateway, Unset):
            gateway = UNSET
        else:
            gateway = self.gateway

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        posting_rules: dict[str, Any] | None | Unset
        if isinstance(self.posting_rules, Unset):
            posting_rules = UNSET
        elif isinstance(self.posting_rules, EntityFieldsPostingRulesType0):
            posting_rules = self.posting_rules.to_dict()
        else:
            posting_rules = self.posting_rules

        reconciliation: dict[str, Any] | None | Unset
        if isinstance(self.reconciliation, Unset):
            reconciliation = UNSET
        elif isinstance(self.reconciliation, ReconciliationSettingsConfig):
            reconciliation = self.reconciliation.to_dict()
        else:
            reconciliation = self.reconciliation

        timezone: None | str | Unset
        if isinstance(self.timezone, Unset):
            timezone = UNSET
        else:
            timezone = self.timezone


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if branding is not UNSET:
            field_dict["branding"] = branding
        if capture_fee_allocation is not UNSET:
            field_dict["capture_fee_allocation"] = capture_fee_allocation
        if disputes is not UNSET:
            field_dict["disputes"] = disputes
        if erp is not UNSET:
            field_dict["erp"] = erp
        if gateway is not UNSET:
            field_dict["gateway"] = gateway
        if name is not UNSET:
            field_dict["name"] = name
        if posting_rules is not UNSET:
            field_dict["posting_rules"] = posting_rules
        if reconciliation is not UNSET:
            field_dict["reconciliation"] = reconciliation
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dispute_settings_config import DisputeSettingsConfig # noqa: PLC0415
        from ..models.entity_fields_branding_type_0 import EntityFieldsBrandingType0 # noqa: PLC0415
        from ..models.entity_fields_posting_rules_type_0 import EntityFieldsPostingRulesType0 # noqa: PLC0415
        from ..models.erp_settings import ErpSettings # noqa: PLC0415
        from ..models.reconciliation_settings_config import ReconciliationSettingsConfig # noqa: PLC0415
        d = dict(src_dict)
        def _parse_branding(data: object) -> EntityFieldsBrandingType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                branding_type_0 = EntityFieldsBrandingType0.from_dict(data)



                return branding_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EntityFieldsBrandingType0 | None | Unset, data)

        branding = _parse_branding(d.pop("branding", UNSET))


        def _parse_capture_fee_allocation(data: object) -> FeeAllocation | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                capture_fee_allocation_type_0 = FeeAllocation(data)



                return capture_fee_allocation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FeeAllocation | None | Unset, data)

        capture_fee_allocation = _parse_capture_fee_allocation(d.pop("capture_fee_allocation", UNSET))


        def _parse_disputes(data: object) -> DisputeSettingsConfig | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                disputes_type_0 = DisputeSettingsConfig.from_dict(data)



                return disputes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DisputeSettingsConfig | None | Unset, data)

        disputes = _parse_disputes(d.pop("disputes", UNSET))


        def _parse_erp(data: object) -> ErpSettings | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                erp_type_0 = ErpSettings.from_dict(data)



                return erp_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErpSettings | None | Unset, data)

        erp = _parse_erp(d.pop("erp", UNSET))


        def _parse_gateway(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gateway = _parse_gateway(d.pop("gateway", UNSET))


        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        def _parse_posting_rules(data: object) -> EntityFieldsPostingRulesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                posting_rules_type_0 = EntityFieldsPostingRulesType0.from_dict(data)



                return posting_rules_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EntityFieldsPostingRulesType0 | None | Unset, data)

        posting_rules = _parse_posting_rules(d.pop("posting_rules", UNSET))


        def _parse_reconciliation(data: object) -> None | ReconciliationSettingsConfig | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reconciliation_type_0 = ReconciliationSettingsConfig.from_dict(data)



                return reconciliation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReconciliationSettingsConfig | Unset, data)

        reconciliation = _parse_reconciliation(d.pop("reconciliation", UNSET))


        def _parse_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timezone = _parse_timezone(d.pop("timezone", UNSET))


        entity_fields = cls(
            branding=branding,
            capture_fee_allocation=capture_fee_allocation,
            disputes=disputes,
            erp=erp,
            gateway=gateway,
            name=name,
            posting_rules=posting_rules,
            reconciliation=reconciliation,
            timezone=timezone,
        )

        return entity_fields

