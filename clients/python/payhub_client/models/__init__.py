""" Contains all the data models used in inputs/outputs """

from .account_create import AccountCreate
from .account_create_settings import AccountCreateSettings
from .ach_in import AchIn
from .ach_in_account_type import AchInAccountType
from .ach_method_in import AchMethodIn
from .ach_token_in import AchTokenIn
from .ach_token_in_account_type import AchTokenInAccountType
from .add_dispute_evidence_body import AddDisputeEvidenceBody
from .add_dispute_evidence_body_purpose_item import AddDisputeEvidenceBodyPurposeItem
from .add_dispute_evidence_pay_hub_version import AddDisputeEvidencePayHubVersion
from .allocation_in import AllocationIn
from .allocation_public import AllocationPublic
from .apply_config_pay_hub_version import ApplyConfigPayHubVersion
from .apply_config_response_apply_config import ApplyConfigResponseApplyConfig
from .apply_in import ApplyIn
from .body_import_settlement import BodyImportSettlement
from .cancel_autopay_enrollment_pay_hub_version import CancelAutopayEnrollmentPayHubVersion
from .cancel_autopay_enrollment_response_cancel_autopay_enrollment import CancelAutopayEnrollmentResponseCancelAutopayEnrollment
from .capture_create import CaptureCreate
from .capture_payment_pay_hub_version import CapturePaymentPayHubVersion
from .card_in import CardIn
from .channel import Channel
from .config_check_in import ConfigCheckIn
from .consent_in import ConsentIn
from .copilot_check_config_pay_hub_version import CopilotCheckConfigPayHubVersion
from .copilot_check_config_response_copilot_check_config import CopilotCheckConfigResponseCopilotCheckConfig
from .copilot_review_pay_hub_version import CopilotReviewPayHubVersion
from .copilot_trigger_event_pay_hub_version import CopilotTriggerEventPayHubVersion
from .copilot_trigger_event_response_copilot_trigger_event import CopilotTriggerEventResponseCopilotTriggerEvent
from .copilot_webhook_handler_pay_hub_version import CopilotWebhookHandlerPayHubVersion
from .copilot_webhook_handler_response_copilot_webhook_handler import CopilotWebhookHandlerResponseCopilotWebhookHandler
from .create_api_key_pay_hub_version import CreateApiKeyPayHubVersion
from .create_api_key_response_create_api_key import CreateApiKeyResponseCreateApiKey
from .create_autopay_enrollment_pay_hub_version import CreateAutopayEnrollmentPayHubVersion
from .create_autopay_enrollment_response_create_autopay_enrollment import CreateAutopayEnrollmentResponseCreateAutopayEnrollment
from .create_customer_account_pay_hub_version import CreateCustomerAccountPayHubVersion
from .create_customer_account_response_create_customer_account import CreateCustomerAccountResponseCreateCustomerAccount
from .create_customer_token_pay_hub_version import CreateCustomerTokenPayHubVersion
from .create_customer_token_response_create_customer_token import CreateCustomerTokenResponseCreateCustomerToken
from .create_entity_pay_hub_version import CreateEntityPayHubVersion
from .create_entity_response_create_entity import CreateEntityResponseCreateEntity
from .create_payment_method_pay_hub_version import CreatePaymentMethodPayHubVersion
from .create_payment_method_response_create_payment_method import CreatePaymentMethodResponseCreatePaymentMethod
from .create_payment_pay_hub_version import CreatePaymentPayHubVersion
from .create_payment_v2_pay_hub_version import CreatePaymentV2PayHubVersion
from .create_refund_pay_hub_version import CreateRefundPayHubVersion
from .create_staff_user_pay_hub_version import CreateStaffUserPayHubVersion
from .create_staff_user_response_create_staff_user import CreateStaffUserResponseCreateStaffUser
from .create_token_pay_hub_version import CreateTokenPayHubVersion
from .create_token_response_create_token import CreateTokenResponseCreateToken
from .create_webhook_endpoint_pay_hub_version import CreateWebhookEndpointPayHubVersion
from .create_webhook_endpoint_response_create_webhook_endpoint import CreateWebhookEndpointResponseCreateWebhookEndpoint
from .customer_token_create import CustomerTokenCreate
from .customer_token_create_channel import CustomerTokenCreateChannel
from .days_before_due import DaysBeforeDue
from .deactivate_staff_user_pay_hub_version import DeactivateStaffUserPayHubVersion
from .deactivate_staff_user_response_deactivate_staff_user import DeactivateStaffUserResponseDeactivateStaffUser
from .delete_payment_method_pay_hub_version import DeletePaymentMethodPayHubVersion
from .delete_payment_method_response_delete_payment_method import DeletePaymentMethodResponseDeletePaymentMethod
from .delete_webhook_endpoint_pay_hub_version import DeleteWebhookEndpointPayHubVersion
from .dispute_list import DisputeList
from .dispute_public import DisputePublic
from .dispute_public_outcome_type_0 import DisputePublicOutcomeType0
from .dispute_public_status import DisputePublicStatus
from .dispute_settings_config import DisputeSettingsConfig
from .dispute_status import DisputeStatus
from .dispute_summary_public import DisputeSummaryPublic
from .dispute_summary_public_outcome_type_0 import DisputeSummaryPublicOutcomeType0
from .endpoint_create import EndpointCreate
from .endpoint_create_retry_schedules_type_0 import EndpointCreateRetrySchedulesType0
from .endpoint_update import EndpointUpdate
from .endpoint_update_retry_schedules_type_0 import EndpointUpdateRetrySchedulesType0
from .enrollment_create import EnrollmentCreate
from .enrollment_update import EnrollmentUpdate
from .entity_create import EntityCreate
from .entity_create_branding_type_0 import EntityCreateBrandingType0
from .entity_create_posting_rules_type_0 import EntityCreatePostingRulesType0
from .entity_fields import EntityFields
from .entity_fields_branding_type_0 import EntityFieldsBrandingType0
from .entity_fields_posting_rules_type_0 import EntityFieldsPostingRulesType0
from .entry_line import EntryLine
from .erp_settings import ErpSettings
from .erp_settings_mapping_type_0 import ErpSettingsMappingType0
from .erp_settings_type import ErpSettingsType
from .evidence_file_public import EvidenceFilePublic
from .evidence_file_public_content_type import EvidenceFilePublicContentType
from .evidence_public import EvidencePublic
from .evidence_public_fields import EvidencePublicFields
from .exception_class import ExceptionClass
from .export_config_pay_hub_version import ExportConfigPayHubVersion
from .extension_update import ExtensionUpdate
from .fee_allocation import FeeAllocation
from .get_autopay_enrollment_pay_hub_version import GetAutopayEnrollmentPayHubVersion
from .get_autopay_enrollment_response_get_autopay_enrollment import GetAutopayEnrollmentResponseGetAutopayEnrollment
from .get_autopay_settings_pay_hub_version import GetAutopaySettingsPayHubVersion
from .get_autopay_settings_response_get_autopay_settings import GetAutopaySettingsResponseGetAutopaySettings
from .get_config_schema_pay_hub_version import GetConfigSchemaPayHubVersion
from .get_config_schema_response_get_config_schema import GetConfigSchemaResponseGetConfigSchema
from .get_config_version_pay_hub_version import GetConfigVersionPayHubVersion
from .get_config_version_response_get_config_version import GetConfigVersionResponseGetConfigVersion
from .get_copilot_flow_sample_pay_hub_version import GetCopilotFlowSamplePayHubVersion
from .get_copilot_flow_sample_response_get_copilot_flow_sample import GetCopilotFlowSampleResponseGetCopilotFlowSample
from .get_copilot_operation_sample_pay_hub_version import GetCopilotOperationSamplePayHubVersion
from .get_copilot_operation_sample_response_get_copilot_operation_sample import GetCopilotOperationSampleResponseGetCopilotOperationSample
from .get_copilot_test_payloads_pay_hub_version import GetCopilotTestPayloadsPayHubVersion
from .get_copilot_test_payloads_response_get_copilot_test_payloads import GetCopilotTestPayloadsResponseGetCopilotTestPayloads
from .get_current_customer_token_pay_hub_version import GetCurrentCustomerTokenPayHubVersion
from .get_current_customer_token_response_get_current_customer_token import GetCurrentCustomerTokenResponseGetCurrentCustomerToken
from .get_customer_account_pay_hub_version import GetCustomerAccountPayHubVersion
from .get_customer_account_response_get_customer_account import GetCustomerAccountResponseGetCustomerAccount
from .get_dispute_pay_hub_version import GetDisputePayHubVersion
from .get_entity_pay_hub_version import GetEntityPayHubVersion
from .get_entity_response_get_entity import GetEntityResponseGetEntity
from .get_erp_mapping_v1_copilot_erp_mapping_get_pay_hub_version import GetErpMappingV1CopilotErpMappingGetPayHubVersion
from .get_erp_mapping_v1_copilot_erp_mapping_get_response_get_erp_mapping_v1_copilot_erp_mapping_get import GetErpMappingV1CopilotErpMappingGetResponseGetErpMappingV1CopilotErpMappingGet
from .get_event_pay_hub_version import GetEventPayHubVersion
from .get_event_response_get_event import GetEventResponseGetEvent
from .get_fee_policy_pay_hub_version import GetFeePolicyPayHubVersion
from .get_fee_policy_response_get_fee_policy import GetFeePolicyResponseGetFeePolicy
from .get_invoice_pay_hub_version import GetInvoicePayHubVersion
from .get_payment_pay_hub_version import GetPaymentPayHubVersion
from .get_payment_v2_pay_hub_version import GetPaymentV2PayHubVersion
from .get_payment_v2_response_get_payment_v2 import GetPaymentV2ResponseGetPaymentV2
from .get_portal_settings_pay_hub_version import GetPortalSettingsPayHubVersion
from .get_portal_settings_response_get_portal_settings import GetPortalSettingsResponseGetPortalSettings
from .get_reconciliation_exception_pay_hub_version import GetReconciliationExceptionPayHubVersion
from .get_reconciliation_exception_response_get_reconciliation_exception import GetReconciliationExceptionResponseGetReconciliationException
from .get_reconciliation_report_format import GetReconciliationReportFormat
from .get_reconciliation_report_pay_hub_version import GetReconciliationReportPayHubVersion
from .get_reconciliation_run_pay_hub_version import GetReconciliationRunPayHubVersion
from .get_reconciliation_run_response_get_reconciliation_run import GetReconciliationRunResponseGetReconciliationRun
from .get_refund_pay_hub_version import GetRefundPayHubVersion
from .get_routing_rules_pay_hub_version import GetRoutingRulesPayHubVersion
from .get_routing_rules_response_get_routing_rules import GetRoutingRulesResponseGetRoutingRules
from .get_settlement_pay_hub_version import GetSettlementPayHubVersion
from .get_settlement_response_get_settlement import GetSettlementResponseGetSettlement
from .get_staff_user_pay_hub_version import GetStaffUserPayHubVersion
from .get_staff_user_response_get_staff_user import GetStaffUserResponseGetStaffUser
from .get_webhook_endpoint_pay_hub_version import GetWebhookEndpointPayHubVersion
from .get_webhook_endpoint_response_get_webhook_endpoint import GetWebhookEndpointResponseGetWebhookEndpoint
from .get_widget_manifest_pay_hub_version import GetWidgetManifestPayHubVersion
from .gl_entry_public import GLEntryPublic
from .gl_entry_public_dimensions import GLEntryPublicDimensions
from .healthz_pay_hub_version import HealthzPayHubVersion
from .healthz_response_healthz import HealthzResponseHealthz
from .import_customer_accounts_pay_hub_version import ImportCustomerAccountsPayHubVersion
from .import_customer_accounts_response_import_customer_accounts import ImportCustomerAccountsResponseImportCustomerAccounts
from .import_settlement_pay_hub_version import ImportSettlementPayHubVersion
from .import_settlement_response_import_settlement import ImportSettlementResponseImportSettlement
from .invoice_amount_range import InvoiceAmountRange
from .invoice_filter import InvoiceFilter
from .invoice_line_public import InvoiceLinePublic
from .invoice_list import InvoiceList
from .invoice_public import InvoicePublic
from .key_create import KeyCreate
from .key_create_scope import KeyCreateScope
from .key_roll import KeyRoll
from .key_update import KeyUpdate
from .list_api_keys_pay_hub_version import ListApiKeysPayHubVersion
from .list_api_keys_response_list_api_keys import ListApiKeysResponseListApiKeys
from .list_audit_events_pay_hub_version import ListAuditEventsPayHubVersion
from .list_audit_events_response_list_audit_events import ListAuditEventsResponseListAuditEvents
from .list_autopay_enrollments_pay_hub_version import ListAutopayEnrollmentsPayHubVersion
from .list_autopay_enrollments_response_list_autopay_enrollments import ListAutopayEnrollmentsResponseListAutopayEnrollments
from .list_autopay_enrollments_status_type_0 import ListAutopayEnrollmentsStatusType0
from .list_config_versions_pay_hub_version import ListConfigVersionsPayHubVersion
from .list_config_versions_response_list_config_versions import ListConfigVersionsResponseListConfigVersions
from .list_copilot_samples_pay_hub_version import ListCopilotSamplesPayHubVersion
from .list_copilot_samples_response_list_copilot_samples import ListCopilotSamplesResponseListCopilotSamples
from .list_customer_accounts_pay_hub_version import ListCustomerAccountsPayHubVersion
from .list_customer_accounts_response_list_customer_accounts import ListCustomerAccountsResponseListCustomerAccounts
from .list_customer_invoices_pay_hub_version import ListCustomerInvoicesPayHubVersion
from .list_disputes_pay_hub_version import ListDisputesPayHubVersion
from .list_entities_pay_hub_version import ListEntitiesPayHubVersion
from .list_entities_response_list_entities import ListEntitiesResponseListEntities
from .list_event_types_pay_hub_version import ListEventTypesPayHubVersion
from .list_event_types_response_list_event_types import ListEventTypesResponseListEventTypes
from .list_events_pay_hub_version import ListEventsPayHubVersion
from .list_events_response_list_events import ListEventsResponseListEvents
from .list_extensions_pay_hub_version import ListExtensionsPayHubVersion
from .list_extensions_response_list_extensions import ListExtensionsResponseListExtensions
from .list_payment_methods_pay_hub_version import ListPaymentMethodsPayHubVersion
from .list_payment_methods_response_list_payment_methods import ListPaymentMethodsResponseListPaymentMethods
from .list_payments_pay_hub_version import ListPaymentsPayHubVersion
from .list_payments_v2_pay_hub_version import ListPaymentsV2PayHubVersion
from .list_payments_v2_response_list_payments_v2 import ListPaymentsV2ResponseListPaymentsV2
from .list_reconciliation_exceptions_pay_hub_version import ListReconciliationExceptionsPayHubVersion
from .list_reconciliation_exceptions_response_list_reconciliation_exceptions import ListReconciliationExceptionsResponseListReconciliationExceptions
from .list_reconciliation_exceptions_status_type_0 import ListReconciliationExceptionsStatusType0
from .list_reconciliation_runs_pay_hub_version import ListReconciliationRunsPayHubVersion
from .list_reconciliation_runs_response_list_reconciliation_runs import ListReconciliationRunsResponseListReconciliationRuns
from .list_reconciliation_runs_status_type_0 import ListReconciliationRunsStatusType0
from .list_routing_rule_versions_pay_hub_version import ListRoutingRuleVersionsPayHubVersion
from .list_routing_rule_versions_response_list_routing_rule_versions import ListRoutingRuleVersionsResponseListRoutingRuleVersions
from .list_settlements_pay_hub_version import ListSettlementsPayHubVersion
from .list_settlements_response_list_settlements import ListSettlementsResponseListSettlements
from .list_staff_users_pay_hub_version import ListStaffUsersPayHubVersion
from .list_staff_users_response_list_staff_users import ListStaffUsersResponseListStaffUsers
from .list_webhook_deliveries_pay_hub_version import ListWebhookDeliveriesPayHubVersion
from .list_webhook_deliveries_response_list_webhook_deliveries import ListWebhookDeliveriesResponseListWebhookDeliveries
from .list_webhook_endpoints_pay_hub_version import ListWebhookEndpointsPayHubVersion
from .list_webhook_endpoints_response_list_webhook_endpoints import ListWebhookEndpointsResponseListWebhookEndpoints
from .mandate_amount_range import MandateAmountRange
from .mandate_in import MandateIn
from .mandate_in_frequency import MandateInFrequency
from .method import Method
from .money_in import MoneyIn
from .money_public import MoneyPublic
from .notifications_received import NotificationsReceived
from .on_due_date import OnDueDate
from .payment_create import PaymentCreate
from .payment_create_capture_method import PaymentCreateCaptureMethod
from .payment_create_metadata import PaymentCreateMetadata
from .payment_list import PaymentList
from .payment_method_create import PaymentMethodCreate
from .payment_public import PaymentPublic
from .payment_public_customer_details import PaymentPublicCustomerDetails
from .payment_public_failure_type_0 import PaymentPublicFailureType0
from .payment_public_fees_type_0 import PaymentPublicFeesType0
from .payment_public_gateway import PaymentPublicGateway
from .payment_public_level_3_type_0 import PaymentPublicLevel3Type0
from .payment_public_metadata import PaymentPublicMetadata
from .payment_public_payment_method import PaymentPublicPaymentMethod
from .payment_public_posting_status import PaymentPublicPostingStatus
from .payment_public_postings_item import PaymentPublicPostingsItem
from .payment_public_refunds_item import PaymentPublicRefundsItem
from .payment_public_routing import PaymentPublicRouting
from .payment_public_settlement import PaymentPublicSettlement
from .payment_status import PaymentStatus
from .plan_config_pay_hub_version import PlanConfigPayHubVersion
from .plan_config_response_plan_config import PlanConfigResponsePlanConfig
from .plan_in import PlanIn
from .portal_settings import PortalSettings
from .portal_settings_payment_methods_item import PortalSettingsPaymentMethodsItem
from .posting_public import PostingPublic
from .posting_public_error_type_0 import PostingPublicErrorType0
from .posting_public_status import PostingPublicStatus
from .problem import Problem
from .problem_field_error import ProblemFieldError
from .put_autopay_settings_pay_hub_version import PutAutopaySettingsPayHubVersion
from .put_autopay_settings_response_put_autopay_settings import PutAutopaySettingsResponsePutAutopaySettings
from .put_fee_policy_pay_hub_version import PutFeePolicyPayHubVersion
from .put_fee_policy_policy import PutFeePolicyPolicy
from .put_fee_policy_response_put_fee_policy import PutFeePolicyResponsePutFeePolicy
from .put_portal_settings_pay_hub_version import PutPortalSettingsPayHubVersion
from .put_portal_settings_response_put_portal_settings import PutPortalSettingsResponsePutPortalSettings
from .put_routing_rules_pay_hub_version import PutRoutingRulesPayHubVersion
from .put_routing_rules_response_put_routing_rules import PutRoutingRulesResponsePutRoutingRules
from .quote_payment_pay_hub_version import QuotePaymentPayHubVersion
from .quote_payment_response_quote_payment import QuotePaymentResponseQuotePayment
from .readyz_pay_hub_version import ReadyzPayHubVersion
from .receive_gateway_notifications_body import ReceiveGatewayNotificationsBody
from .receive_gateway_notifications_pay_hub_version import ReceiveGatewayNotificationsPayHubVersion
from .reconciliation_settings_config import ReconciliationSettingsConfig
from .redeliver_event_pay_hub_version import RedeliverEventPayHubVersion
from .redeliver_event_response_redeliver_event import RedeliverEventResponseRedeliverEvent
from .redelivery import Redelivery
from .refund_create import RefundCreate
from .refund_public import RefundPublic
from .replay_webhook_endpoint_pay_hub_version import ReplayWebhookEndpointPayHubVersion
from .replay_webhook_endpoint_response_replay_webhook_endpoint import ReplayWebhookEndpointResponseReplayWebhookEndpoint
from .resolution import Resolution
from .resolution_action import ResolutionAction
from .resolve_reconciliation_exception_pay_hub_version import ResolveReconciliationExceptionPayHubVersion
from .resolve_reconciliation_exception_response_resolve_reconciliation_exception import ResolveReconciliationExceptionResponseResolveReconciliationException
from .retry_payment_posting_pay_hub_version import RetryPaymentPostingPayHubVersion
from .retry_posting_pay_hub_version import RetryPostingPayHubVersion
from .retry_settings import RetrySettings
from .review_file import ReviewFile
from .review_request import ReviewRequest
from .review_request_format import ReviewRequestFormat
from .revoke_api_key_pay_hub_version import RevokeApiKeyPayHubVersion
from .revoke_api_key_response_revoke_api_key import RevokeApiKeyResponseRevokeApiKey
from .roll_api_key_pay_hub_version import RollApiKeyPayHubVersion
from .roll_api_key_response_roll_api_key import RollApiKeyResponseRollApiKey
from .rollback_config_pay_hub_version import RollbackConfigPayHubVersion
from .rollback_config_response_rollback_config import RollbackConfigResponseRollbackConfig
from .rollback_in import RollbackIn
from .rotate_webhook_secret_pay_hub_version import RotateWebhookSecretPayHubVersion
from .rotate_webhook_secret_response_rotate_webhook_secret import RotateWebhookSecretResponseRotateWebhookSecret
from .rule_in import RuleIn
from .rule_set_in import RuleSetIn
from .rule_set_in_rules_item import RuleSetInRulesItem
from .run_request import RunRequest
from .saved_method_in import SavedMethodIn
from .search_customers_pay_hub_version import SearchCustomersPayHubVersion
from .search_customers_response_search_customers import SearchCustomersResponseSearchCustomers
from .secret_rotation import SecretRotation
from .simulate_in import SimulateIn
from .simulate_in_customer_metadata import SimulateInCustomerMetadata
from .simulate_in_invoice_metadata import SimulateInInvoiceMetadata
from .simulate_routing_pay_hub_version import SimulateRoutingPayHubVersion
from .simulate_routing_response_simulate_routing import SimulateRoutingResponseSimulateRouting
from .simulated_card import SimulatedCard
from .staff_user_create import StaffUserCreate
from .staff_user_create_role import StaffUserCreateRole
from .start_reconciliation_run_pay_hub_version import StartReconciliationRunPayHubVersion
from .start_reconciliation_run_response_start_reconciliation_run import StartReconciliationRunResponseStartReconciliationRun
from .submit_dispute_evidence_pay_hub_version import SubmitDisputeEvidencePayHubVersion
from .test_webhook_endpoint_pay_hub_version import TestWebhookEndpointPayHubVersion
from .test_webhook_endpoint_response_test_webhook_endpoint import TestWebhookEndpointResponseTestWebhookEndpoint
from .token_create import TokenCreate
from .token_method_in import TokenMethodIn
from .trigger_body import TriggerBody
from .trigger_body_data import TriggerBodyData
from .update_api_key_pay_hub_version import UpdateApiKeyPayHubVersion
from .update_api_key_response_update_api_key import UpdateApiKeyResponseUpdateApiKey
from .update_autopay_enrollment_pay_hub_version import UpdateAutopayEnrollmentPayHubVersion
from .update_autopay_enrollment_response_update_autopay_enrollment import UpdateAutopayEnrollmentResponseUpdateAutopayEnrollment
from .update_entity_pay_hub_version import UpdateEntityPayHubVersion
from .update_entity_response_update_entity import UpdateEntityResponseUpdateEntity
from .update_extension_pay_hub_version import UpdateExtensionPayHubVersion
from .update_extension_response_update_extension import UpdateExtensionResponseUpdateExtension
from .update_webhook_endpoint_pay_hub_version import UpdateWebhookEndpointPayHubVersion
from .update_webhook_endpoint_response_update_webhook_endpoint import UpdateWebhookEndpointResponseUpdateWebhookEndpoint
from .void_payment_pay_hub_version import VoidPaymentPayHubVersion

__all__ = (
    "AccountCreate",
    "AccountCreateSettings",
    "AchIn",
    "AchInAccountType",
    "AchMethodIn",
    "AchTokenIn",
    "AchTokenInAccountType",
    "AddDisputeEvidenceBody",
    "AddDisputeEvidenceBodyPurposeItem",
    "AddDisputeEvidencePayHubVersion",
    "AllocationIn",
    "AllocationPublic",
    "ApplyConfigPayHubVersion",
    "ApplyConfigResponseApplyConfig",
    "ApplyIn",
    "BodyImportSettlement",
    "CancelAutopayEnrollmentPayHubVersion",
    "CancelAutopayEnrollmentResponseCancelAutopayEnrollment",
    "CaptureCreate",
    "CapturePaymentPayHubVersion",
    "CardIn",
    "Channel",
    "ConfigCheckIn",
    "ConsentIn",
    "CopilotCheckConfigPayHubVersion",
    "CopilotCheckConfigResponseCopilotCheckConfig",
    "CopilotReviewPayHubVersion",
    "CopilotTriggerEventPayHubVersion",
    "CopilotTriggerEventResponseCopilotTriggerEvent",
    "CopilotWebhookHandlerPayHubVersion",
    "CopilotWebhookHandlerResponseCopilotWebhookHandler",
    "CreateApiKeyPayHubVersion",
    "CreateApiKeyResponseCreateApiKey",
    "CreateAutopayEnrollmentPayHubVersion",
    "CreateAutopayEnrollmentResponseCreateAutopayEnrollment",
    "CreateCustomerAccountPayHubVersion",
    "CreateCustomerAccountResponseCreateCustomerAccount",
    "CreateCustomerTokenPayHubVersion",
    "CreateCustomerTokenResponseCreateCustomerToken",
    "CreateEntityPayHubVersion",
    "CreateEntityResponseCreateEntity",
    "CreatePaymentMethodPayHubVersion",
    "CreatePaymentMethodResponseCreatePaymentMethod",
    "CreatePaymentPayHubVersion",
    "CreatePaymentV2PayHubVersion",
    "CreateRefundPayHubVersion",
    "CreateStaffUserPayHubVersion",
    "CreateStaffUserResponseCreateStaffUser",
    "CreateTokenPayHubVersion",
    "CreateTokenResponseCreateToken",
    "CreateWebhookEndpointPayHubVersion",
    "CreateWebhookEndpointResponseCreateWebhookEndpoint",
    "CustomerTokenCreate",
    "CustomerTokenCreateChannel",
    "DaysBeforeDue",
    "DeactivateStaffUserPayHubVersion",
    "DeactivateStaffUserResponseDeactivateStaffUser",
    "DeletePaymentMethodPayHubVersion",
    "DeletePaymentMethodResponseDeletePaymentMethod",
    "DeleteWebhookEndpointPayHubVersion",
    "DisputeList",
    "DisputePublic",
    "DisputePublicOutcomeType0",
    "DisputePublicStatus",
    "DisputeSettingsConfig",
    "DisputeStatus",
    "DisputeSummaryPublic",
    "DisputeSummaryPublicOutcomeType0",
    "EndpointCreate",
    "EndpointCreateRetrySchedulesType0",
    "EndpointUpdate",
    "EndpointUpdateRetrySchedulesType0",
    "EnrollmentCreate",
    "EnrollmentUpdate",
    "EntityCreate",
    "EntityCreateBrandingType0",
    "EntityCreatePostingRulesType0",
    "EntityFields",
    "EntityFieldsBrandingType0",
    "EntityFieldsPostingRulesType0",
    "EntryLine",
    "ErpSettings",
    "ErpSettingsMappingType0",
    "ErpSettingsType",
    "EvidenceFilePublic",
    "EvidenceFilePublicContentType",
    "EvidencePublic",
    "EvidencePublicFields",
    "ExceptionClass",
    "ExportConfigPayHubVersion",
    "ExtensionUpdate",
    "FeeAllocation",
    "GetAutopayEnrollmentPayHubVersion",
    "GetAutopayEnrollmentResponseGetAutopayEnrollment",
    "GetAutopaySettingsPayHubVersion",
    "GetAutopaySettingsResponseGetAutopaySettings",
    "GetConfigSchemaPayHubVersion",
    "GetConfigSchemaResponseGetConfigSchema",
    "GetConfigVersionPayHubVersion",
    "GetConfigVersionResponseGetConfigVersion",
    "GetCopilotFlowSamplePayHubVersion",
    "GetCopilotFlowSampleResponseGetCopilotFlowSample",
    "GetCopilotOperationSamplePayHubVersion",
    "GetCopilotOperationSampleResponseGetCopilotOperationSample",
    "GetCopilotTestPayloadsPayHubVersion",
    "GetCopilotTestPayloadsResponseGetCopilotTestPayloads",
    "GetCurrentCustomerTokenPayHubVersion",
    "GetCurrentCustomerTokenResponseGetCurrentCustomerToken",
    "GetCustomerAccountPayHubVersion",
    "GetCustomerAccountResponseGetCustomerAccount",
    "GetDisputePayHubVersion",
    "GetEntityPayHubVersion",
    "GetEntityResponseGetEntity",
    "GetErpMappingV1CopilotErpMappingGetPayHubVersion",
    "GetErpMappingV1CopilotErpMappingGetResponseGetErpMappingV1CopilotErpMappingGet",
    "GetEventPayHubVersion",
    "GetEventResponseGetEvent",
    "GetFeePolicyPayHubVersion",
    "GetFeePolicyResponseGetFeePolicy",
    "GetInvoicePayHubVersion",
    "GetPaymentPayHubVersion",
    "GetPaymentV2PayHubVersion",
    "GetPaymentV2ResponseGetPaymentV2",
    "GetPortalSettingsPayHubVersion",
    "GetPortalSettingsResponseGetPortalSettings",
    "GetReconciliationExceptionPayHubVersion",
    "GetReconciliationExceptionResponseGetReconciliationException",
    "GetReconciliationReportFormat",
    "GetReconciliationReportPayHubVersion",
    "GetReconciliationRunPayHubVersion",
    "GetReconciliationRunResponseGetReconciliationRun",
    "GetRefundPayHubVersion",
    "GetRoutingRulesPayHubVersion",
    "GetRoutingRulesResponseGetRoutingRules",
    "GetSettlementPayHubVersion",
    "GetSettlementResponseGetSettlement",
    "GetStaffUserPayHubVersion",
    "GetStaffUserResponseGetStaffUser",
    "GetWebhookEndpointPayHubVersion",
    "GetWebhookEndpointResponseGetWebhookEndpoint",
    "GetWidgetManifestPayHubVersion",
    "GLEntryPublic",
    "GLEntryPublicDimensions",
    "HealthzPayHubVersion",
    "HealthzResponseHealthz",
    "ImportCustomerAccountsPayHubVersion",
    "ImportCustomerAccountsResponseImportCustomerAccounts",
    "ImportSettlementPayHubVersion",
    "ImportSettlementResponseImportSettlement",
    "InvoiceAmountRange",
    "InvoiceFilter",
    "InvoiceLinePublic",
    "InvoiceList",
    "InvoicePublic",
    "KeyCreate",
    "KeyCreateScope",
    "KeyRoll",
    "KeyUpdate",
    "ListApiKeysPayHubVersion",
    "ListApiKeysResponseListApiKeys",
    "ListAuditEventsPayHubVersion",
    "ListAuditEventsResponseListAuditEvents",
    "ListAutopayEnrollmentsPayHubVersion",
    "ListAutopayEnrollmentsResponseListAutopayEnrollments",
    "ListAutopayEnrollmentsStatusType0",
    "ListConfigVersionsPayHubVersion",
    "ListConfigVersionsResponseListConfigVersions",
    "ListCopilotSamplesPayHubVersion",
    "ListCopilotSamplesResponseListCopilotSamples",
    "ListCustomerAccountsPayHubVersion",
    "ListCustomerAccountsResponseListCustomerAccounts",
    "ListCustomerInvoicesPayHubVersion",
    "ListDisputesPayHubVersion",
    "ListEntitiesPayHubVersion",
    "ListEntitiesResponseListEntities",
    "ListEventsPayHubVersion",
    "ListEventsResponseListEvents",
    "ListEventTypesPayHubVersion",
    "ListEventTypesResponseListEventTypes",
    "ListExtensionsPayHubVersion",
    "ListExtensionsResponseListExtensions",
    "ListPaymentMethodsPayHubVersion",
    "ListPaymentMethodsResponseListPaymentMethods",
    "ListPaymentsPayHubVersion",
    "ListPaymentsV2PayHubVersion",
    "ListPaymentsV2ResponseListPaymentsV2",
    "ListReconciliationExceptionsPayHubVersion",
    "ListReconciliationExceptionsResponseListReconciliationExceptions",
    "ListReconciliationExceptionsStatusType0",
    "ListReconciliationRunsPayHubVersion",
    "ListReconciliationRunsResponseListReconciliationRuns",
    "ListReconciliationRunsStatusType0",
    "ListRoutingRuleVersionsPayHubVersion",
    "ListRoutingRuleVersionsResponseListRoutingRuleVersions",
    "ListSettlementsPayHubVersion",
    "ListSettlementsResponseListSettlements",
    "ListStaffUsersPayHubVersion",
    "ListStaffUsersResponseListStaffUsers",
    "ListWebhookDeliveriesPayHubVersion",
    "ListWebhookDeliveriesResponseListWebhookDeliveries",
    "ListWebhookEndpointsPayHubVersion",
    "ListWebhookEndpointsResponseListWebhookEndpoints",
    "MandateAmountRange",
    "MandateIn",
    "MandateInFrequency",
    "Method",
    "MoneyIn",
    "MoneyPublic",
    "NotificationsReceived",
    "OnDueDate",
    "PaymentCreate",
    "PaymentCreateCaptureMethod",
    "PaymentCreateMetadata",
    "PaymentList",
    "PaymentMethodCreate",
    "PaymentPublic",
    "PaymentPublicCustomerDetails",
    "PaymentPublicFailureType0",
    "PaymentPublicFeesType0",
    "PaymentPublicGateway",
    "PaymentPublicLevel3Type0",
    "PaymentPublicMetadata",
    "PaymentPublicPaymentMethod",
    "PaymentPublicPostingsItem",
    "PaymentPublicPostingStatus",
    "PaymentPublicRefundsItem",
    "PaymentPublicRouting",
    "PaymentPublicSettlement",
    "PaymentStatus",
    "PlanConfigPayHubVersion",
    "PlanConfigResponsePlanConfig",
    "PlanIn",
    "PortalSettings",
    "PortalSettingsPaymentMethodsItem",
    "PostingPublic",
    "PostingPublicErrorType0",
    "PostingPublicStatus",
    "Problem",
    "ProblemFieldError",
    "PutAutopaySettingsPayHubVersion",
    "PutAutopaySettingsResponsePutAutopaySettings",
    "PutFeePolicyPayHubVersion",
    "PutFeePolicyPolicy",
    "PutFeePolicyResponsePutFeePolicy",
    "PutPortalSettingsPayHubVersion",
    "PutPortalSettingsResponsePutPortalSettings",
    "PutRoutingRulesPayHubVersion",
    "PutRoutingRulesResponsePutRoutingRules",
    "QuotePaymentPayHubVersion",
    "QuotePaymentResponseQuotePayment",
    "ReadyzPayHubVersion",
    "ReceiveGatewayNotificationsBody",
    "ReceiveGatewayNotificationsPayHubVersion",
    "ReconciliationSettingsConfig",
    "RedeliverEventPayHubVersion",
    "RedeliverEventResponseRedeliverEvent",
    "Redelivery",
    "RefundCreate",
    "RefundPublic",
    "ReplayWebhookEndpointPayHubVersion",
    "ReplayWebhookEndpointResponseReplayWebhookEndpoint",
    "Resolution",
    "ResolutionAction",
    "ResolveReconciliationExceptionPayHubVersion",
    "ResolveReconciliationExceptionResponseResolveReconciliationException",
    "RetryPaymentPostingPayHubVersion",
    "RetryPostingPayHubVersion",
    "RetrySettings",
    "ReviewFile",
    "ReviewRequest",
    "ReviewRequestFormat",
    "RevokeApiKeyPayHubVersion",
    "RevokeApiKeyResponseRevokeApiKey",
    "RollApiKeyPayHubVersion",
    "RollApiKeyResponseRollApiKey",
    "RollbackConfigPayHubVersion",
    "RollbackConfigResponseRollbackConfig",
    "RollbackIn",
    "RotateWebhookSecretPayHubVersion",
    "RotateWebhookSecretResponseRotateWebhookSecret",
    "RuleIn",
    "RuleSetIn",
    "RuleSetInRulesItem",
    "RunRequest",
    "SavedMethodIn",
    "SearchCustomersPayHubVersion",
    "SearchCustomersResponseSearchCustomers",
    "SecretRotation",
    "SimulatedCard",
    "SimulateIn",
    "SimulateInCustomerMetadata",
    "SimulateInInvoiceMetadata",
    "SimulateRoutingPayHubVersion",
    "SimulateRoutingResponseSimulateRouting",
    "StaffUserCreate",
    "StaffUserCreateRole",
    "StartReconciliationRunPayHubVersion",
    "StartReconciliationRunResponseStartReconciliationRun",
    "SubmitDisputeEvidencePayHubVersion",
    "TestWebhookEndpointPayHubVersion",
    "TestWebhookEndpointResponseTestWebhookEndpoint",
    "TokenCreate",
    "TokenMethodIn",
    "TriggerBody",
    "TriggerBodyData",
    "UpdateApiKeyPayHubVersion",
    "UpdateApiKeyResponseUpdateApiKey",
    "UpdateAutopayEnrollmentPayHubVersion",
    "UpdateAutopayEnrollmentResponseUpdateAutopayEnrollment",
    "UpdateEntityPayHubVersion",
    "UpdateEntityResponseUpdateEntity",
    "UpdateExtensionPayHubVersion",
    "UpdateExtensionResponseUpdateExtension",
    "UpdateWebhookEndpointPayHubVersion",
    "UpdateWebhookEndpointResponseUpdateWebhookEndpoint",
    "VoidPaymentPayHubVersion",
)
