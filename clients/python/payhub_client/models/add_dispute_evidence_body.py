from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..models.add_dispute_evidence_body_purpose_item import AddDisputeEvidenceBodyPurposeItem
from ..types import File, FileTypes
from ..types import UNSET, Unset
from io import BytesIO
from typing import cast






T = TypeVar("T", bound="AddDisputeEvidenceBody")



@_attrs_define
class AddDisputeEvidenceBody:
    """ 
        Attributes:
            billing_address (str | Unset):
            cancellation_policy (str | Unset):
            customer_communication (str | Unset):
            customer_email_address (str | Unset):
            customer_name (str | Unset):
            files (list[File] | Unset): PDF, PNG, JPEG or plain text, at most 5 MB each (checked by content)
            product_description (str | Unset):
            purpose (list[AddDisputeEvidenceBodyPurposeItem] | Unset): One per file, in order: the evidence field it backs
                (default uncategorized_file)
            receipt (str | Unset):
            refund_policy (str | Unset):
            service_date (str | Unset):
            service_documentation (str | Unset):
            shipping_documentation (str | Unset):
            uncategorized_text (str | Unset):
     """

    billing_address: str | Unset = UNSET
    cancellation_policy: str | Unset = UNSET
    customer_communication: str | Unset = UNSET
    customer_email_address: str | Unset = UNSET
    customer_name: str | Unset = UNSET
    files: list[File] | Unset = UNSET
    product_description: str | Unset = UNSET
    purpose: list[AddDisputeEvidenceBodyPurposeItem] | Unset = UNSET
    receipt: str | Unset = UNSET
    refund_policy: str | Unset = UNSET
    service_date: str | Unset = UNSET
    service_documentation: str | Unset = UNSET
    shipping_documentation: str | Unset = UNSET
    uncategorized_text: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        billing_address = self.billing_address

        cancellation_policy = self.cancellation_policy

        customer_communication = self.customer_communication

        customer_email_address = self.customer_email_address

        customer_name = self.customer_name

        files: list[FileTypes] | Unset = UNSET
        if not isinstance(self.files, Unset):
            files = []
            for files_item_data in self.files:
                files_item = files_item_data.to_tuple()

                files.append(files_item)



        product_description = self.product_description

        purpose: list[str] | Unset = UNSET
        if not isinstance(self.purpose, Unset):
            purpose = []
            for purpose_item_data in self.purpose:
                purpose_item = purpose_item_data.value
                purpose.append(purpose_item)



        receipt = self.receipt

        refund_policy = self.refund_policy

        service_date = self.service_date

        service_documentation = self.service_documentation

        shipping_documentation = self.shipping_documentation

        uncategorized_text = self.uncategorized_text


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if billing_address is not UNSET:
            field_dict["billing_address"] = billing_address
        if cancellation_policy is not UNSET:
            field_dict["cancellation_policy"] = cancellation_policy
        if customer_communication is not UNSET:
            field_dict["customer_communication"] = customer_communication
        if customer_email_address is not UNSET:
            field_dict["customer_email_address"] = customer_email_address
        if customer_name is not UNSET:
            field_dict["customer_name"] = customer_name
        if files is not UNSET:
            field_dict["files"] = files
        if product_description is not UNSET:
            field_dict["product_description"] = product_description
        if purpose is not UNSET:
            field_dict["purpose"] = purpose
        if receipt is not UNSET:
            field_dict["receipt"] = receipt
        if refund_policy is not UNSET:
            field_dict["refund_policy"] = refund_policy
        if service_date is not UNSET:
            field_dict["service_date"] = service_date
        if service_documentation is not UNSET:
            field_dict["service_documentation"] = service_documentation
        if shipping_documentation is not UNSET:
            field_dict["shipping_documentation"] = shipping_documentation
        if uncategorized_text is not UNSET:
            field_dict["uncategorized_text"] = uncategorized_text

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        if not isinstance(self.billing_address, Unset):
            files.append(("billing_address", (None, str(self.billing_address).encode(), "text/plain")))



        if not isinstance(self.cancellation_policy, Unset):
            files.append(("cancellation_policy", (None, str(self.cancellation_policy).encode(), "text/plain")))



        if not isinstance(self.customer_communication, Unset):
            files.append(("customer_communication", (None, str(self.customer_communication).encode(), "text/plain")))



        if not isinstance(self.customer_email_address, Unset):
            files.append(("customer_email_address", (None, str(self.customer_email_address).encode(), "text/plain")))



        if not isinstance(self.customer_name, Unset):
            files.append(("customer_name", (None, str(self.customer_name).encode(), "text/plain")))



        if not isinstance(self.files, Unset):
            for files_item_element in self.files:
                files.append(("files", files_item_element.to_tuple()))




        if not isinstance(self.product_description, Unset):
            files.append(("product_description", (None, str(self.product_description).encode(), "text/plain")))



        if not isinstance(self.purpose, Unset):
            for purpose_item_element in self.purpose:
                files.append(("purpose",  (None, str(purpose_item_element.value).encode(), "text/plain")))




        if not isinstance(self.receipt, Unset):
            files.append(("receipt", (None, str(self.receipt).encode(), "text/plain")))



        if not isinstance(self.refund_policy, Unset):
            files.append(("refund_policy", (None, str(self.refund_policy).encode(), "text/plain")))



        if not isinstance(self.service_date, Unset):
            files.append(("service_date", (None, str(self.service_date).encode(), "text/plain")))



        if not isinstance(self.service_documentation, Unset):
            files.append(("service_documentation", (None, str(self.service_documentation).encode(), "text/plain")))



        if not isinstance(self.shipping_documentation, Unset):
            files.append(("shipping_documentation", (None, str(self.shipping_documentation).encode(), "text/plain")))



        if not isinstance(self.uncategorized_text, Unset):
            files.append(("uncategorized_text", (None, str(self.uncategorized_text).encode(), "text/plain")))





        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        billing_address = d.pop("billing_address", UNSET)

        cancellation_policy = d.pop("cancellation_policy", UNSET)

        customer_communication = d.pop("customer_communication", UNSET)

        customer_email_address = d.pop("customer_email_address", UNSET)

        customer_name = d.pop("customer_name", UNSET)

        _files = d.pop("files", UNSET)
        files: list[File] | Unset = UNSET
        if _files is not UNSET:
            files = []
            for files_item_data in _files:
                files_item = File(
                     payload = BytesIO(files_item_data)
                )



                files.append(files_item)


        product_description = d.pop("product_description", UNSET)

        _purpose = d.pop("purpose", UNSET)
        purpose: list[AddDisputeEvidenceBodyPurposeItem] | Unset = UNSET
        if _purpose is not UNSET:
            purpose = []
            for purpose_item_data in _purpose:
                purpose_item = AddDisputeEvidenceBodyPurposeItem(purpose_item_data)



                purpose.append(purpose_item)


        receipt = d.pop("receipt", UNSET)

        refund_policy = d.pop("refund_policy", UNSET)

        service_date = d.pop("service_date", UNSET)

        service_documentation = d.pop("service_documentation", UNSET)

        shipping_documentation = d.pop("shipping_documentation", UNSET)

        uncategorized_text = d.pop("uncategorized_text", UNSET)

        add_dispute_evidence_body = cls(
            billing_address=billing_address,
            cancellation_policy=cancellation_policy,
            customer_communication=customer_communication,
            customer_email_address=customer_email_address,
            customer_name=customer_name,
            files=files,
            product_description=product_description,
            purpose=purpose,
            receipt=receipt,
            refund_policy=refund_policy,
            service_date=service_date,
            service_documentation=service_documentation,
            shipping_documentation=shipping_documentation,
            uncategorized_text=uncategorized_text,
        )

        return add_dispute_evidence_body

