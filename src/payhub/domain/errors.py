"""Typed domain errors. Each carries a stable machine `code`; the API maps classes to HTTP once."""

from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"
    title = "Request cannot be processed"

    def __init__(self, detail: str = "", **extra: object) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra


# --- invalid requests (nothing written) ---
class InvalidRequest(DomainError):
    code = "invalid_request"
    title = "Invalid request"


class InvalidAmount(InvalidRequest):
    code = "amount_invalid"
    title = "Amount is invalid"


class CurrencyMismatch(InvalidRequest):
    code = "currency_mismatch"
    title = "Currencies do not match"


class UnsupportedCurrency(InvalidRequest):
    code = "currency_unsupported"
    title = "Currency is not supported"


class InvalidCard(InvalidRequest):
    code = "card_invalid"
    title = "Card details are invalid"


class AmountExceedsBalance(InvalidRequest):
    code = "amount_exceeds_balance"
    title = "Amount exceeds the invoice's open balance"


class AmountExceedsCapturable(InvalidRequest):
    code = "amount_exceeds_capturable"
    title = "Amount exceeds what can be captured"


class RefundExceedsCaptured(InvalidRequest):
    code = "refund_exceeds_captured"
    title = "Refund exceeds the captured amount not yet refunded"


class CustomerMismatch(InvalidRequest):
    code = "customer_mismatch"
    title = "Invoices belong to different customers"


# --- not allowed for this caller ---
class Forbidden(DomainError):
    code = "forbidden"
    title = "Not allowed"


class OutsideTokenScope(Forbidden):
    code = "customer_token_scope"
    title = "The customer token does not allow this payment"


# --- not found ---
class NotFound(DomainError):
    code = "not_found"
    title = "Not found"


class EntityNotFound(NotFound):
    code = "entity_not_found"
    title = "Entity not found"


class InvoiceNotFound(NotFound):
    code = "invoice_not_found"
    title = "Invoice not found"


class CustomerNotFound(NotFound):
    code = "customer_not_found"
    title = "Customer not found"


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    title = "Payment not found"


class RefundNotFound(NotFound):
    code = "refund_not_found"
    title = "Refund not found"


# --- state conflicts ---
class Conflict(DomainError):
    code = "conflict"
    title = "Conflict"


class IllegalTransition(Conflict):
    code = "payment_state_invalid"
    title = "The payment's state does not allow this operation"


class InvoiceNotOpen(Conflict):
    code = "invoice_not_open"
    title = "Invoice is not open for payment"


class PaymentLocked(Conflict):
    code = "payment_locked"
    title = "Another operation on this payment is in progress"


# --- connector capabilities ---
class CapabilityUnsupported(DomainError):
    """The connector does not have a capability this needs (ports.py lists them): PayHub says so rather than
    guess, e.g. a gateway without settlement reports is never reported "not settled"."""

    code = "capability_unsupported"
    title = "The connector does not support this"

    def __init__(self, detail: str = "", *, connector: str, capability: str, **extra: object) -> None:
        super().__init__(detail or f"{connector} does not support {capability}", connector=connector,
                         capability=capability, **extra)
        self.connector, self.capability = connector, capability


# --- ledger controls ---
class UnbalancedEntry(DomainError):
    code = "ledger_unbalanced"
    title = "Journal entry does not balance"


# --- gateway outcomes ---
class GatewayError(DomainError):
    code = "gateway_error"
    title = "Payment gateway error"
    retryable = False


class Declined(GatewayError):
    code = "card_declined"
    title = "The payment was declined"


class InsufficientFunds(Declined):
    code = "insufficient_funds"
    title = "Insufficient funds"


class BankAccountDeclined(Declined):
    code = "bank_account_declined"
    title = "The bank account was declined"


class ProcessingError(GatewayError):
    code = "processing_error"
    title = "The gateway could not process the payment"
    retryable = True


class GatewayTimeout(GatewayError):
    """Ambiguous: the gateway may or may not have acted. Never blindly re-authorize."""

    code = "gateway_timeout"
    title = "The gateway did not answer in time"
    retryable = True


class GatewayAuthFailed(GatewayError):
    """The gateway refused PayHub's credentials (API key, merchant account): a configuration fault, so retrying
    cannot help."""

    code = "gateway_auth_failed"
    title = "The payment gateway refused PayHub's credentials"
    retryable = False


class KeyConflict(GatewayTimeout):
    """The gateway holds another request under this idempotency key (still running, or with other parameters):
    whatever it did is not known from this answer, so it is treated as an unknown outcome."""

    code = "gateway_key_conflict"
    title = "The gateway already has a request under this idempotency key"


class LookupUnsupported(GatewayError):
    code = "lookup_unsupported"
    title = "This gateway cannot say what became of a payment"


class NotCharged(ProcessingError):
    code = "payment_not_charged"
    title = "The gateway never charged this payment"  # found by recovery: safe to pay again with a new key


# --- ERP outcomes ---
class ErpError(DomainError):
    code = "erp_error"
    title = "ERP error"
    retryable = False


class ErpUnavailable(ErpError):
    code = "erp_unavailable"
    title = "The ERP is unavailable"
    retryable = True


class ErpRejected(ErpError):
    code = "erp_rejected"
    title = "The ERP rejected the posting"


def recorded_failure(code: str | None, detail: str) -> GatewayError:
    """A gateway failure rebuilt from what was recorded, so a resumed request answers as the first one did."""
    pending: list[type[GatewayError]] = [GatewayError]
    while pending:
        cls = pending.pop()
        if cls.code == code:
            return cls(detail)
        pending.extend(cls.__subclasses__())
    error = GatewayError(detail)
    error.code = code or GatewayError.code
    return error


# --- extensions ---
class ExtensionFailed(DomainError):
    code = "extension_failed"
    title = "An extension hook failed"


class PostingVetoed(DomainError):
    code = "posting_vetoed"
    title = "An extension vetoed the posting"


class ExtensionMissing(DomainError):
    code = "extension_version_missing"
    title = "A pinned extension version is not installed"


# --- admin ---
class ExtensionNotFound(NotFound):
    code = "extension_not_found"
    title = "Extension not installed"


class EntityExists(Conflict):
    code = "entity_exists"
    title = "An entity with this id exists"


class AccountNotFound(NotFound):
    code = "customer_account_not_found"
    title = "Customer account not found"


class KeyNotFound(NotFound):
    code = "api_key_not_found"
    title = "API key not found"


# --- configuration as code ---
class ConfigConflict(Conflict):
    code = "config_version_conflict"
    title = "The configuration changed since the plan was made"


class ConfigVersionNotFound(NotFound):
    code = "config_version_not_found"
    title = "Config version not found"


class ConfigInvalid(InvalidRequest):
    code = "config_invalid"
    title = "Configuration is invalid"


class SecretInDocument(ConfigInvalid):
    """A secret (an ERP password) in the file: refused, since applied files are kept verbatim."""

    code = "secret_in_document"
    title = "Configuration files never hold secrets"


# --- idempotency keys ---
class IdempotencyKeyReused(InvalidRequest):
    code = "idempotency_key_reused"
    title = "Idempotency key was already used with a different request"


class IdempotencyKeyInUse(Conflict):
    code = "idempotency_key_in_use"
    title = "A request with this idempotency key is still in flight"


class IdempotencyKeyInvalid(InvalidRequest):
    code = "idempotency_key_invalid"
    title = "Idempotency key is invalid"


# --- webhooks ---
class EndpointNotFound(NotFound):
    code = "webhook_endpoint_not_found"
    title = "Webhook endpoint not found"


class EventNotFound(NotFound):
    code = "event_not_found"
    title = "Event not found"


class UrlNotAllowed(InvalidRequest):
    code = "url_not_allowed"
    title = "Webhook URL is not allowed"


# --- fee policies and routing rules ---
class InvalidFeePolicy(InvalidRequest):
    code = "fee_policy_invalid"
    title = "Fee policy is invalid"


class InvalidRoutingRules(InvalidRequest):
    code = "routing_rules_invalid"
    title = "Routing rules are invalid"


# --- money ---
class AmountTooLarge(InvalidAmount):
    code = "amount_too_large"
    title = "Amount is too large"


# --- the vault ---
class TokenNotFound(NotFound):
    code = "token_not_found"
    title = "Token not found"


class TokenUsed(Conflict):
    code = "token_already_used"
    title = "This token was already used"


class TokenExpired(InvalidRequest):
    code = "token_expired"
    title = "This token has expired"


class PaymentMethodNotFound(NotFound):
    code = "payment_method_not_found"
    title = "Payment method not found"


class ConsentRequired(InvalidRequest):
    code = "consent_required"
    title = "The customer's consent is required"


class VaultError(DomainError):
    """The vault cannot open what it holds: a key missing from configuration, or a ciphertext altered."""

    code = "vault_unavailable"
    title = "The vault cannot open this value"


class VaultKeyMissing(VaultError):
    code = "vault_key_missing"


class VaultTampered(VaultError):
    code = "vault_integrity_failed"


# --- autopay ---
class AutopayEnrollmentNotFound(NotFound):
    code = "autopay_enrollment_not_found"
    title = "Autopay enrollment not found"


class AutopayAlreadyEnrolled(Conflict):
    code = "autopay_already_enrolled"
    title = "The customer already has an autopay enrollment in this currency"


class AutopayEnrollmentCancelled(Conflict):
    code = "autopay_enrollment_cancelled"
    title = "The autopay enrollment was cancelled"


class AutopayRuleInvalid(InvalidRequest):
    code = "autopay_rule_invalid"
    title = "The autopay rule is invalid"


# --- the virtual terminal's staff users ---
class StaffUserNotFound(NotFound):
    code = "staff_user_not_found"
    title = "Staff user not found"


class StaffUserExists(Conflict):
    code = "staff_user_exists"
    title = "A staff user with this email exists"


class StaffRoleForbidden(Forbidden):
    """A virtual-terminal credential of a staff user whose role does not allow the operation (refunds and voids
    need `terminal_refund`)."""

    code = "staff_role_forbidden"
    title = "The staff user's role does not allow this"


class TelAuthorizationRequired(InvalidRequest):
    """An ACH payment taken by phone at the virtual terminal without the NACHA TEL authorization read out."""

    code = "tel_authorization_required"
    title = "The TEL authorization must be read to the customer"


# --- gateway notifications, settlement, reconciliation and disputes ---
class NotificationRejected(DomainError):
    """An inbound gateway notification that is not verifiably the provider's: nothing is recorded."""

    code = "notification_signature_invalid"
    title = "The notification's signature does not verify"


class NotificationStale(NotificationRejected):
    code = "notification_stale"
    title = "The notification's timestamp is outside the tolerance"


class NotificationInvalid(NotificationRejected):
    code = "notification_invalid"
    title = "The notification cannot be read"


class GatewayNotConfigured(NotFound):
    code = "gateway_not_found"
    title = "No such gateway is configured"


class SettlementFileRejected(InvalidRequest):
    """A settlement report that cannot be imported; `line` names where. Nothing of the file is imported."""

    code = "settlement_file_invalid"
    title = "The settlement file cannot be imported"


class SettlementBatchDuplicate(Conflict):
    code = "settlement_batch_duplicate"
    title = "This settlement batch was already imported"


class SettlementBatchNotFound(NotFound):
    code = "settlement_batch_not_found"
    title = "Settlement batch not found"


class ReconciliationRunNotFound(NotFound):
    code = "reconciliation_run_not_found"
    title = "Reconciliation run not found"


class ReconciliationExceptionNotFound(NotFound):
    code = "reconciliation_exception_not_found"
    title = "Reconciliation exception not found"


class ReconciliationExceptionResolved(Conflict):
    code = "reconciliation_exception_resolved"
    title = "This reconciliation exception is already resolved"


class DisputeNotFound(NotFound):
    code = "dispute_not_found"
    title = "Dispute not found"


class DisputeClosed(Conflict):
    code = "dispute_closed"
    title = "The dispute no longer takes evidence"


class EvidenceInvalid(InvalidRequest):
    code = "dispute_evidence_invalid"
    title = "The dispute evidence is invalid"
