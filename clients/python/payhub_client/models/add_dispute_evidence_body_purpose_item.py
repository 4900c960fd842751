from enum import StrEnum

class AddDisputeEvidenceBodyPurposeItem(StrEnum):
    BILLING_ADDRESS = "billing_address"
    CANCELLATION_POLICY = "cancellation_policy"
    CUSTOMER_COMMUNICATION = "customer_communication"
    CUSTOMER_EMAIL_ADDRESS = "customer_email_address"
    CUSTOMER_NAME = "customer_name"
    PRODUCT_DESCRIPTION = "product_description"
    RECEIPT = "receipt"
    REFUND_POLICY = "refund_policy"
    SERVICE_DATE = "service_date"
    SERVICE_DOCUMENTATION = "service_documentation"
    SHIPPING_DOCUMENTATION = "shipping_documentation"
    UNCATEGORIZED_FILE = "uncategorized_file"
    UNCATEGORIZED_TEXT = "uncategorized_text"

    def __str__(self) -> str:
        return str(self.value)
