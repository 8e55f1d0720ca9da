"""Contains all the data models used in inputs/outputs"""

from .access_entry import AccessEntry
from .access_log_page import AccessLogPage
from .annulled_event import AnnulledEvent
from .attachment_view import AttachmentView
from .attachment_view_case_kind import AttachmentViewCaseKind
from .body_attach_to_dispute_v1_me_disputes_dispute_id_attachments_post import (
    BodyAttachToDisputeV1MeDisputesDisputeIdAttachmentsPost,
)
from .body_attach_to_repair_v1_me_repairs_case_id_attachments_post import (
    BodyAttachToRepairV1MeRepairsCaseIdAttachmentsPost,
)
from .catalog_standing import CatalogStanding
from .chain_verification import ChainVerification
from .check_answer import CheckAnswer
from .check_answer_decision import CheckAnswerDecision
from .check_answers import CheckAnswers
from .check_manifest import CheckManifest
from .check_question import CheckQuestion
from .consent_answer import ConsentAnswer
from .consent_given_event import ConsentGivenEvent
from .consent_request import ConsentRequest
from .consent_withdrawn_event import ConsentWithdrawnEvent
from .consents_answer import ConsentsAnswer
from .contact_answer import ContactAnswer
from .contact_change import ContactChange
from .contact_change_language_type_0 import ContactChangeLanguageType0
from .contact_event import ContactEvent
from .contact_event_language_type_0 import ContactEventLanguageType0
from .contribution import Contribution
from .decision import Decision
from .dispute_filed_event import DisputeFiledEvent
from .dispute_filing import DisputeFiling
from .dispute_queue_v1_disputes_get_status import DisputeQueueV1DisputesGetStatus
from .dispute_resolved_event import DisputeResolvedEvent
from .dispute_resolved_event_outcome import DisputeResolvedEventOutcome
from .dispute_view import DisputeView
from .event_outcome import EventOutcome
from .event_outcome_outcome import EventOutcomeOutcome
from .events_answer import EventsAnswer
from .events_answer_written_by_type import EventsAnswerWrittenByType
from .explained_contribution import ExplainedContribution
from .foreign_list_entry import ForeignListEntry
from .fulfilled_event import FulfilledEvent
from .grade import Grade
from .health import Health
from .ledger_verification import LedgerVerification
from .lender_request import LenderRequest
from .list_bundle import ListBundle
from .list_bundle_entry import ListBundleEntry
from .list_entry import ListEntry
from .list_page import ListPage
from .liveness import Liveness
from .mark_read import MarkRead
from .marked import Marked
from .message_view import MessageView
from .message_view_fields import MessageViewFields
from .notice_view import NoticeView
from .notice_view_fields import NoticeViewFields
from .obligation_event import ObligationEvent
from .optin_raise import OptinRaise
from .optin_reason import OptinReason
from .optin_score_answer import OptinScoreAnswer
from .optin_score_answer_features import OptinScoreAnswerFeatures
from .organisation_hit import OrganisationHit
from .organisation_page import OrganisationPage
from .outlook import Outlook
from .outlook_change import OutlookChange
from .paid_event import PaidEvent
from .placement import Placement
from .problem_detail import ProblemDetail
from .problem_error import ProblemError
from .public_listing import PublicListing
from .public_record import PublicRecord
from .public_standing import PublicStanding
from .published_entry import PublishedEntry
from .reason import Reason
from .reason_effect import ReasonEffect
from .reason_trigger import ReasonTrigger
from .record_event import RecordEvent
from .record_view import RecordView
from .record_view_events_item import RecordViewEventsItem
from .repair_application import RepairApplication
from .repair_option import RepairOption
from .repair_queue_v1_repairs_get_status import RepairQueueV1RepairsGetStatus
from .repair_view import RepairView
from .repaired_event import RepairedEvent
from .report import Report
from .report_list_entry import ReportListEntry
from .review_queue_v1_reviews_get_status import ReviewQueueV1ReviewsGetStatus
from .review_request import ReviewRequest
from .review_view import ReviewView
from .review_view_decision_type_0 import ReviewViewDecisionType0
from .score_answer import ScoreAnswer
from .search_answer import SearchAnswer
from .subject_event import SubjectEvent
from .webhook_attempt_view import WebhookAttemptView
from .webhook_attempt_view_outcome import WebhookAttemptViewOutcome
from .webhook_endpoint_created import WebhookEndpointCreated
from .webhook_endpoint_new import WebhookEndpointNew
from .webhook_endpoint_view import WebhookEndpointView
from .webhook_secret import WebhookSecret
from .whole_file import WholeFile
from .withdrawal_answer import WithdrawalAnswer

__all__ = (
    "AccessEntry",
    "AccessLogPage",
    "AnnulledEvent",
    "AttachmentView",
    "AttachmentViewCaseKind",
    "BodyAttachToDisputeV1MeDisputesDisputeIdAttachmentsPost",
    "BodyAttachToRepairV1MeRepairsCaseIdAttachmentsPost",
    "CatalogStanding",
    "ChainVerification",
    "CheckAnswer",
    "CheckAnswerDecision",
    "CheckAnswers",
    "CheckManifest",
    "CheckQuestion",
    "ConsentAnswer",
    "ConsentGivenEvent",
    "ConsentRequest",
    "ConsentsAnswer",
    "ConsentWithdrawnEvent",
    "ContactAnswer",
    "ContactChange",
    "ContactChangeLanguageType0",
    "ContactEvent",
    "ContactEventLanguageType0",
    "Contribution",
    "Decision",
    "DisputeFiledEvent",
    "DisputeFiling",
    "DisputeQueueV1DisputesGetStatus",
    "DisputeResolvedEvent",
    "DisputeResolvedEventOutcome",
    "DisputeView",
    "EventOutcome",
    "EventOutcomeOutcome",
    "EventsAnswer",
    "EventsAnswerWrittenByType",
    "ExplainedContribution",
    "ForeignListEntry",
    "FulfilledEvent",
    "Grade",
    "Health",
    "LedgerVerification",
    "LenderRequest",
    "ListBundle",
    "ListBundleEntry",
    "ListEntry",
    "ListPage",
    "Liveness",
    "Marked",
    "MarkRead",
    "MessageView",
    "MessageViewFields",
    "NoticeView",
    "NoticeViewFields",
    "ObligationEvent",
    "OptinRaise",
    "OptinReason",
    "OptinScoreAnswer",
    "OptinScoreAnswerFeatures",
    "OrganisationHit",
    "OrganisationPage",
    "Outlook",
    "OutlookChange",
    "PaidEvent",
    "Placement",
    "ProblemDetail",
    "ProblemError",
    "PublicListing",
    "PublicRecord",
    "PublicStanding",
    "PublishedEntry",
    "Reason",
    "ReasonEffect",
    "ReasonTrigger",
    "RecordEvent",
    "RecordView",
    "RecordViewEventsItem",
    "RepairApplication",
    "RepairedEvent",
    "RepairOption",
    "RepairQueueV1RepairsGetStatus",
    "RepairView",
    "Report",
    "ReportListEntry",
    "ReviewQueueV1ReviewsGetStatus",
    "ReviewRequest",
    "ReviewView",
    "ReviewViewDecisionType0",
    "ScoreAnswer",
    "SearchAnswer",
    "SubjectEvent",
    "WebhookAttemptView",
    "WebhookAttemptViewOutcome",
    "WebhookEndpointCreated",
    "WebhookEndpointNew",
    "WebhookEndpointView",
    "WebhookSecret",
    "WholeFile",
    "WithdrawalAnswer",
)
