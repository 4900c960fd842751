from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="DisputeSettingsConfig")



@_attrs_define
class DisputeSettingsConfig:
    """ How a lost dispute is booked.

        Attributes:
            reopen_invoice_on_loss (bool | Unset): Reopen the paid invoices' balance in the ERP (the customer owes it again)
                instead of booking a loss Default: False.
     """

    reopen_invoice_on_loss: bool | Unset = False





    def to_dict(self) -> dict[str, Any]:
        reopen_invoice_on_loss = self.reopen_invoice_on_loss


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if reopen_invoice_on_loss is not UNSET:
            field_dict["reopen_invoice_on_loss"] = reopen_invoice_on_loss

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reopen_invoice_on_loss = d.pop("reopen_invoice_on_loss", UNSET)

        dispute_settings_config = cls(
            reopen_invoice_on_loss=reopen_invoice_on_loss,
        )

        return dispute_settings_config

