"""Spanish labels of the office plan's enums, beside them for every page and form."""

from flask_babel import lazy_gettext as _l

from participa.officeplan.models import (
    ActivityStatus,
    AdviceChannel,
    AdviceOutcome,
    AdviceTopic,
    Office,
    RequestStatus,
)

ACTIVITY_STATUS_LABELS = {
    ActivityStatus.PENDING: _l("Pending"),
    ActivityStatus.IN_PROGRESS: _l("Under way"),
    ActivityStatus.DONE: _l("Done"),
    ActivityStatus.CANCELLED: _l("Cancelled"),
}
OFFICE_LABELS = {
    Office.PLANNING: _l("State planning office (Subsecretaría / regional office)"),
    Office.PURCHASING: _l("Purchasing (Proveeduría / Compras)"),
    Office.OTHER: _l("Other office"),
}
REQUEST_STATUS_LABELS = {
    RequestStatus.DRAFT: _l("Draft"),
    RequestStatus.SENT: _l("Sent"),
    RequestStatus.ANSWERED: _l("Answered"),
    RequestStatus.FULFILLED: _l("Fulfilled"),
    RequestStatus.REJECTED: _l("Rejected"),
}
TOPIC_LABELS = {
    AdviceTopic.MECHANISMS: _l("Participation mechanisms"),
    AdviceTopic.PROPOSALS: _l("Proposals and initiatives"),
    AdviceTopic.BUDGET: _l("Participatory budgeting"),
    AdviceTopic.WORKS: _l("Public works and follow-up"),
    AdviceTopic.COUNCIL: _l("The participation council"),
    AdviceTopic.REGISTRATION: _l("Account and verification"),
    AdviceTopic.COMPLAINT: _l("Complaint or request to another area"),
    AdviceTopic.OTHER: _l("Other"),
}
CHANNEL_LABELS = {
    AdviceChannel.IN_PERSON: _l("At the office"),
    AdviceChannel.PHONE: _l("By phone"),
    AdviceChannel.ONLINE: _l("Online"),
    AdviceChannel.FIELD: _l("In the colonia"),
}
OUTCOME_LABELS = {
    AdviceOutcome.RESOLVED: _l("Resolved"),
    AdviceOutcome.REFERRED: _l("Referred to another area"),
    AdviceOutcome.FOLLOW_UP: _l("Needs follow-up"),
}
LABELS = {
    "activity_labels": ACTIVITY_STATUS_LABELS,
    "office_labels": OFFICE_LABELS,
    "request_labels": REQUEST_STATUS_LABELS,
    "topic_labels": TOPIC_LABELS,
    "channel_labels": CHANNEL_LABELS,
    "outcome_labels": OUTCOME_LABELS,
}


def choices(labels: dict) -> list[tuple[str, str]]:
    return [(key.value, label) for key, label in labels.items()]
