"""What each kind of notice says, and how residents may hear about it."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from participa.notifications.models import MailMode, NoticeKind, Notification

# Kinds a resident hears about and may set preferences for, in the order of the page.
RESIDENT_KINDS = (
    NoticeKind.PROPOSAL_ANSWERED,
    NoticeKind.THRESHOLD_REACHED,
    NoticeKind.PROPOSAL_CONVERTED,
    NoticeKind.VOTING_OPENED,
    NoticeKind.EVENT_REMINDER,
    NoticeKind.RESULTS_PUBLISHED,
    NoticeKind.WORK_STATUS_CHANGED,
    NoticeKind.COMMENT_REPLIED,
)
# Text messages cost the office money and the reader attention: only what cannot wait.
SMS_KINDS = frozenset({NoticeKind.VOTING_OPENED, NoticeKind.EVENT_REMINDER})
# Without a preference: frequent, less personal kinds go in the daily digest.
DEFAULT_MAIL = {
    NoticeKind.VOTING_OPENED: MailMode.DIGEST,
    NoticeKind.RESULTS_PUBLISHED: MailMode.DIGEST,
    NoticeKind.WORK_STATUS_CHANGED: MailMode.DIGEST,
    NoticeKind.COMMENT_REPLIED: MailMode.DIGEST,
}

KIND_LABELS = {
    NoticeKind.PROPOSAL_ANSWERED: _l("My proposal was answered"),
    NoticeKind.THRESHOLD_REACHED: _l("My proposal reached its supports"),
    NoticeKind.PROPOSAL_CONVERTED: _l("My proposal became a project or work"),
    NoticeKind.VOTING_OPENED: _l("Voting opens in my colonia"),
    NoticeKind.EVENT_REMINDER: _l("Reminder the day before an event"),
    NoticeKind.RESULTS_PUBLISHED: _l("Results where I took part"),
    NoticeKind.WORK_STATUS_CHANGED: _l("A work I follow changes status"),
    NoticeKind.COMMENT_REPLIED: _l("A reply to my comment"),
    NoticeKind.AWAITING_MODERATION: _l("Proposals waiting for approval"),
    NoticeKind.CONTENT_HIDDEN: _l("Content hidden by reports"),
}


def default_mail(kind: NoticeKind) -> MailMode:
    return DEFAULT_MAIL.get(kind, MailMode.IMMEDIATE)


def sentence(notice: Notification) -> str:
    """The notice as a sentence in the reader's language."""
    title, kind = notice.subject, notice.kind
    if kind is NoticeKind.THRESHOLD_REACHED and notice.audience:
        return _(
            "“%(title)s” reached its supports threshold and is now in evaluation.", title=title
        )
    texts = {
        NoticeKind.THRESHOLD_REACHED: _l("Your proposal “%(title)s” reached its supports goal."),
        NoticeKind.AWAITING_MODERATION: _l("New proposal waiting for approval: “%(title)s”."),
        NoticeKind.CONTENT_HIDDEN: _l("Hidden by reports, waiting for review: “%(title)s”."),
        NoticeKind.PROPOSAL_ANSWERED: _l("The proposal “%(title)s” has an official answer."),
        NoticeKind.PROPOSAL_CONVERTED: _l("The proposal “%(title)s” became a project or work."),
        NoticeKind.VOTING_OPENED: _l("Voting opened in your colonia: “%(title)s”."),
        NoticeKind.EVENT_REMINDER: _l("Reminder: “%(title)s” is tomorrow."),
        NoticeKind.RESULTS_PUBLISHED: _l("Results are out: “%(title)s”."),
        NoticeKind.WORK_STATUS_CHANGED: _l("A work you follow changed status: “%(title)s”."),
        NoticeKind.COMMENT_REPLIED: _l("Someone replied to your comment on “%(title)s”."),
    }
    return str(texts[kind]) % {"title": title}
