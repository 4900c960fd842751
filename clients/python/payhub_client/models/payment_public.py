from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.payment_public_posting_status import PaymentPublicPostingStatus
from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.allocation_public import AllocationPublic
  from ..models.dispute_summary_public import DisputeSummaryPublic
  from ..models.money_public import MoneyPublic
  from ..models.payment_public_customer_details import PaymentPublicCustomerDetails
  from ..models.payment_public_failure_type_0 import PaymentPublicFailureType0
  from ..models.payment_public_fees_type_0 import PaymentPublicFeesType0
  from ..models.payment_public_gateway import PaymentPublicGateway
  from ..models.payment_public_level_3_type_0 import PaymentPublicLevel3Type0
  from ..models.payment_public_metadata import PaymentPublicMetadata
  from ..models.payment_public_payment_method import PaymentPublicPaymentMethod
  from ..models.payment_public_postings_item import PaymentPublicPostingsItem
  from ..models.payment_public_refunds_item import PaymentPublicRefundsItem
  from ..models.payment_public_routing import PaymentPublicRouting
  from ..models.payment_public_settlement import PaymentPublicSettlement
  from ..models.posting_public import PostingPublic





T = TypeVar("T", bound="PaymentPublic")



@_attrs_define
class PaymentPublic:
    """ 
        Attributes:
            allocations (list[AllocationPublic]):
            amount (MoneyPublic):
            amount_capturable (MoneyPublic):
            amount_captured (MoneyPublic):
            amount_refunded (MoneyPublic):
            capture_method (str):
            channel (str):
            created_at (str):
            customer (str):
            description (str):
            disputes (list[DisputeSummaryPublic]): Chargebacks against this payment, oldest first; each in full at GET
                /v1/disputes/{id}
            failure (None | PaymentPublicFailureType0):
            gateway (PaymentPublicGateway):
            id (str):
            metadata (PaymentPublicMetadata):
            object_ (Literal['payment']):
            payment_method (PaymentPublicPaymentMethod):
            posting (None | PostingPublic): The GL posting this response's operation produced
            posting_status (PaymentPublicPostingStatus): Whether the ERP has every posting of this payment (worst of its
                postings); shown whatever the settlement status: a settled payment may still wait for its posting
            postings (list[PaymentPublicPostingsItem]):
            receipt_number (str): The payment id as a customer reads it out (PAY-…)
            refunds (list[PaymentPublicRefundsItem]):
            settlement (PaymentPublicSettlement): `status`: `pending` (captured, not settled yet), `settled` (with
                `settled_at`), `unreported` (captured on a gateway that cannot report settlement: PayHub does not guess) or
                `not_applicable`; `batch`, `gross`, `fees` and `net` once a settlement report booked it
            status (str):
            unapplied (MoneyPublic):
            updated_at (str):
            customer_details (PaymentPublicCustomerDetails | Unset): Name and email as the ERP had them at payment time.
                Absent when the request pins a `PayHub-Version` older than 2026-11-24.
            fees (None | PaymentPublicFeesType0 | Unset): Convenience fee and surcharge evaluated for this payment, with the
                explanation and rounding rule. Absent when the request pins a `PayHub-Version` older than 2026-11-24.
            level3 (None | PaymentPublicLevel3Type0 | Unset): Level 2/3 data assembled from the ERP invoices. Absent when
                the request pins a `PayHub-Version` older than 2026-11-24.
            routing (PaymentPublicRouting | Unset): Rule-set version and rule that routed it; every gateway attempt. Absent
                when the request pins a `PayHub-Version` older than 2026-11-24.
     """

    allocations: list[AllocationPublic]
    amount: MoneyPublic
    amount_capturable: MoneyPublic
    amount_captured: MoneyPublic
    amount_refunded: MoneyPublic
    capture_method: str
    channel: str
    created_at: str
    customer: str
    description: str
    disputes: list[DisputeSummaryPublic]
    failure: None | PaymentPublicFailureType0
    gateway: PaymentPublicGateway
    id: str
    metadata: PaymentPublicMetadata
    object_: Literal['payment']
    payment_method: PaymentPublicPaymentMethod
    posting: None | PostingPublic
    posting_status: PaymentPublicPostingStatus
    postings: list[PaymentPublicPostingsItem]
    receipt_number: str
    refunds: list[PaymentPublicRefundsItem]
    settlement: PaymentPublicSettlement
    status: str
    unapplied: MoneyPublic
    updated_at: str
    customer_details: PaymentPublicCustomerDetails | Unset = UNSET
    fees: None | PaymentPublicFeesType0 | Unset = UNSET
    level3: None | PaymentPublicLevel3Type0 | Unset = UNSET
    routing: PaymentPublicRouting | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.allocation_public import AllocationPublic # noqa: PLC0415
        from ..models.dispute_summary_public import DisputeSummaryPublic # noqa: PLC0415
        from ..models.money_public import MoneyPublic # noqa: PLC0415
        from ..models.payment_public_customer_details import PaymentPublicCustomerDetails # noqa: PLC0415
        from ..models.payment_public_failure_type_0 import PaymentPublicFailureType0 # noqa: PLC0415
        from ..models.payment_public_fees_type_0 import PaymentPublicFeesType0 # noqa: PLC0415
        from ..models.payment_public_gateway import PaymentPublicGateway # noqa: PLC0415
        from ..models.payment_public_level_3_type_0 import PaymentPublicLevel3Type0 # noqa: PLC0415
        from ..models.payment_public_metadata import PaymentPublicMetadata # noqa: PLC0415
        from ..models.payment_public_payment_method import PaymentPublicPaymentMethod # noqa: PLC0415
        from ..models.payment_public_postings_item import PaymentPublicPostingsItem # noqa: PLC0415
        from ..models.payment_public_refunds_item import PaymentPublicRefundsItem # noqa: PLC0415
        from ..models.payment_public_routing import PaymentPublicRouting # noqa: PLC0415
        from ..models.payment_public_settlement import PaymentPublicSettlement # noqa: PLC0415
        from ..models.posting_public import PostingPublic # noqa: PLC0415
        allocations = []
        for allocations_item_data in self.allocations:
            allocations_item = allocations_item_data.to_dict()
            allocations.append(allocations_item)



        amount = self.amount.to_dict()

        amount_capturable = self.amount_capturable.to_dict()

        amount_captured = self.amount_captured.to_dict()

        amount_refunded = self.amount_refunded.to_dict()

        capture_method = self.capture_method

        channel = self.channel

        created_at = self.created_at

        customer = self.customer

        description = self.description

        disputes = []
        for disputes_item_data in self.disputes:
            disputes_item = disputes_item_data.to_dict()
            disputes.append(disputes_item)



        failure: dict[str, Any] | None
        if isinstance(self.failure, PaymentPublicFailureType0):
            failure = self.failure.to_dict()
        else:
            failure = self.failure

        gateway = self.gateway.to_dict()

        id = self.id

        metadata = self.metadata.to_dict()

        object_ = self.object_

        payment_method = self.payment_method.to_dict()

        posting: dict[str, Any] | None
        if isinstance(self.posting, PostingPublic):
            posting = self.posting.to_dict()
        else:
            posting = self.posting

        posting_status = self.posting_status.value

        postings = []
        for postings_item_data in self.postings:
            postings_item = postings_item_data.to_dict()
            postings.append(postings_item)



        receipt_number = self.receipt_number

        refunds = []
        for refunds_item_data in self.refunds:
            refunds_item = refunds_item_data.to_dict()
            refunds.append(refunds_item)



        settlement = self.settlement.to_dict()

        status = self.status

        unapplied = self.unapplied.to_dict()

        updated_at = self.updated_at

        customer_details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.customer_details, Unset):
            customer_details = self.customer_details.to_dict()

        fees: dict[str, Any] | None | Unset
        if isinstance(self.fees, Unset):
            fees = UNSET
        elif isinstance(self.fees, PaymentPublicFeesType0):
            fees = self.fees.to_dict()
        else:
            fees = self.fees

        level3: dict[str, Any] | None | Unset
        if isinstance(self.level3, Unset):
            level3 = UNSET
        elif isinstance(self.level3, PaymentPublicLevel3Type0):
            level3 = self.level3.to_dict()
        else:
            level3 = self.level3

        routing: dict[str, Any] | Unset = UNSET
        if not isinstance(self.routing, Unset):
            routing = self.routing.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "allocations": allocations,
            "amount": amount,
            "amount_capturable": amount_capturable,
            "amount_captured": amount_captured,
            "amount_refunded": amount_refunded,
            "capture_method": capture_method,
            "channel": channel,
            "created_at": created_at,
            "customer": customer,
            "description": description,
            "disputes": disputes,
            "failure": failure,
            "gateway": gateway,
            "id": id,
            "metadata": metadata,
            "object": object_,
            "payment_method": payment_method,
            "posting": posting,
            "posting_status": posting_status,
            "postings": postings,
            "receipt_number": receipt_number,
            "refunds": refunds,
            "settlement": settlement,
            "status": status,
            "unapplied": unapplied,
            "updated_at": updated_at,
        })
        if customer_details is not UNSET:
            field_dict["customer_details"] = customer_details
        if fees is not UNSET:
            field_dict["fees"] = fees
        if level3 is not UNSET:
            field_dict["level3"] = level3
        if routing is not UNSET:
            field_dict["routing"] = routing

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.allocation_public import AllocationPublic # noqa: PLC0415
        from ..models.dispute_summary_public import DisputeSummaryPublic # noqa: PLC0415
        from ..models.money_public import MoneyPublic # noqa: PLC0415
        from ..models.payment_public_customer_details import PaymentPublicCustomerDetails # noqa: PLC0415
        from ..models.payment_public_failure_type_0 import PaymentPublicFailureType0 # noqa: PLC0415
        from ..models.payment_public_fees_type_0 import PaymentPublicFeesType0 # noqa: PLC0415
        from ..models.payment_public_gateway import PaymentPublicGateway # noqa: PLC0415
        from ..models.payment_public_level_3_type_0 import PaymentPublicLevel3Type0 # noqa: PLC0415
        from ..models.payment_public_metadata import PaymentPublicMetadata # noqa: PLC0415
        from ..models.payment_public_payment_method import PaymentPublicPaymentMethod # noqa: PLC0415
        from ..models.payment_public_postings_item import PaymentPublicPostingsItem # noqa: PLC0415
        from ..models.payment_public_refunds_item import PaymentPublicRefundsItem # noqa: PLC0415
        from ..models.payment_public_routing import PaymentPublicRouting # noqa: PLC0415
        from ..models.payment_public_settlement import PaymentPublicSettlement # noqa: PLC0415
        from ..models.posting_public import PostingPublic # noqa: PLC0415
        d = dict(src_dict)
        allocations = []
        _allocations = d.pop("allocations")
        for allocations_item_data in (_allocations):
            allocations_item = AllocationPublic.from_dict(allocations_item_data)



            allocations.append(allocations_item)


        amount = MoneyPublic.from_dict(d.pop("amount"))




        amount_capturable = MoneyPublic.from_dict(d.pop("amount_capturable"))




        amount_captured = MoneyPublic.from_dict(d.pop("amount_captured"))




        amount_refunded = MoneyPublic.from_dict(d.pop("amount_refunded"))




        capture_method = d.pop("capture_method")

        channel = d.pop("channel")

        created_at = d.pop("created_at")

        customer = d.pop("customer")

        description = d.pop("description")

        disputes = []
        _disputes = d.pop("disputes")
        for disputes_item_data in (_disputes):
            disputes_item = DisputeSummaryPublic.from_dict(disputes_item_data)



            disputes.append(disputes_item)


        def _parse_failure(data: object) -> None | PaymentPublicFailureType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                failure_type_0 = PaymentPublicFailureType0.from_dict(data)



                return failure_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PaymentPublicFailureType0, data)

        failure = _parse_failure(d.pop("failure"))


        gateway = PaymentPublicGateway.from_dict(d.pop("gateway"))




        id = d.pop("id")

        metadata = PaymentPublicMetadata.from_dict(d.pop("metadata"))




        object_ = cast(Literal['payment'] , d.pop("object"))
        if object_ != 'payment':
            raise ValueError(f"object must match const 'payment', got '{object_}'")

        payment_method = PaymentPublicPaymentMethod.from_dict(d.pop("payment_method"))




        def _parse_posting(data: object) -> None | PostingPublic:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                posting_type_0 = PostingPublic.from_dict(data)



                return posting_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PostingPublic, data)

        posting = _parse_posting(d.pop("posting"))


        posting_status = PaymentPublicPostingStatus(d.pop("posting_status"))




        postings = []
        _postings = d.pop("postings")
        for postings_item_data in (_postings):
            postings_item = PaymentPublicPostingsItem.from_dict(postings_item_data)



            postings.append(postings_item)


        receipt_number = d.pop("receipt_number")

        refunds = []
        _refunds = d.pop("refunds")
        for refunds_item_data in (_refunds):
            refunds_item = PaymentPublicRefundsItem.from_dict(refunds_item_data)



            refunds.append(refunds_item)


        settlement = PaymentPublicSettlement.from_dict(d.pop("settlement"))




        status = d.pop("status")

        unapplied = MoneyPublic.from_dict(d.pop("unapplied"))




        updated_at = d.pop("updated_at")

        _customer_details = d.pop("customer_details", UNSET)
        customer_details: PaymentPublicCustomerDetails | Unset
        if isinstance(_customer_details,  Unset):
            customer_details = UNSET
        else:
            customer_details = PaymentPublicCustomerDetails.from_dict(_customer_details)




        def _parse_fees(data: object) -> None | PaymentPublicFeesType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                fees_type_0 = PaymentPublicFeesType0.from_dict(data)



                return fees_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PaymentPublicFeesType0 | Unset, data)

        fees = _parse_fees(d.pop("fees", UNSET))


        def _parse_level3(data: object) -> None | PaymentPublicLevel3Type0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                level3_type_0 = PaymentPublicLevel3Type0.from_dict(data)



                return level3_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PaymentPublicLevel3Type0 | Unset, data)

        level3 = _parse_level3(d.pop("level3", UNSET))


        _routing = d.pop("routing", UNSET)
        routing: PaymentPublicRouting | Unset
        if isinstance(_routing,  Unset):
            routing = UNSET
        else:
            routing = PaymentPublicRouting.from_dict(_routing)




        payment_public = cls(
            allocations=allocations,
            amount=amount,
            amount_capturable=amount_capturable,
            amount_captured=amount_captured,
            amount_refunded=amount_refunded,
            capture_method=capture_method,
            channel=channel,
            created_at=created_at,
            customer=customer,
            description=description,
            disputes=disputes,
            failure=failure,
            gateway=gateway,
            id=id,
            metadata=metadata,
            object_=object_,
            payment_method=payment_method,
            posting=posting,
            posting_status=posting_status,
            postings=postings,
            receipt_number=receipt_number,
            refunds=refunds,
            settlement=settlement,
            status=status,
            unapplied=unapplied,
            updated_at=updated_at,
            customer_details=customer_details,
            fees=fees,
            level3=level3,
            routing=routing,
        )


        payment_public.additional_properties = d
        return payment_public

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
