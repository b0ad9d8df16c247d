"""Questions and requests sent before an event, supported by others, answered by staff."""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.events.models import (
    Event,
    EventQuestion,
    QuestionStatus,
    QuestionSupport,
    Registration,
)
from participa.events.services import TAKING_PART, resident_problem
from participa.extensions import db

MAX_QUESTION = 500
MAX_ANSWER = 2000
MAX_REASON = 500
ALREADY_SUPPORTED = _l("You already support this question.")


@dataclass(frozen=True)
class RankedQuestion:
    question: EventQuestion
    supports: int
    supported_by_me: bool


def asking_problem(event: Event, user, *, now: datetime, today: date):
    """Why `user` cannot send or support questions for `event` now, or None."""
    if not event.questions_allowed:
        return _l("This event does not take questions beforehand.")
    if event.has_started(now):
        return _l("The event has started; questions are closed.")
    registered = db.session.execute(
        db.select(Registration.id).where(
            Registration.event_id == event.id, Registration.user_id == user.id
        )
    ).first()
    # A registered person may ask even if, say, they have since moved to another colonia.
    if registered and event.process.status in TAKING_PART:
        return None
    return resident_problem(event.process, user, today)


def ranked_questions(event: Event, user=None) -> list[RankedQuestion]:
    """The event's questions, the most supported first, then the oldest."""
    supports = (
        db.select(sa.func.count(QuestionSupport.id))
        .where(QuestionSupport.question_id == EventQuestion.id)
        .scalar_subquery()
    )
    query = (
        db.select(EventQuestion, supports)
        .where(EventQuestion.event_id == event.id)
        .options(joinedload(EventQuestion.author))
        .order_by(supports.desc(), EventQuestion.created_at, EventQuestion.id)
    )
    rows = db.session.execute(query).all()
    mine = set()
    if user is not None:
        mine = set(
            db.session.execute(
                db.select(QuestionSupport.question_id).where(QuestionSupport.user_id == user.id)
            ).scalars()
        )
    return [RankedQuestion(q, count, q.id in mine) for q, count in rows]


def ask(event: Event, user, text: str, *, now: datetime, today: date) -> EventQuestion:
    """Send a question for `event` (plain text)."""
    text = (text or "").strip()
    if problem := asking_problem(event, user, now=now, today=today):
        raise DomainError(problem)
    if not text:
        raise DomainError(_l("Write your question or request."), field="text")
    if len(text) > MAX_QUESTION:
        raise DomainError(_l("Keep it to %(num)s characters.", num=MAX_QUESTION), field="text")
    question = EventQuestion(event_id=event.id, author_id=user.id, text=text, created_at=now)
    db.session.add(question)
    db.session.commit()
    return question


def support(question: EventQuestion, user, *, now: datetime, today: date) -> None:
    """Add `user`'s support to someone else's question, once."""
    event = db.session.get(Event, question.event_id)
    if problem := asking_problem(event, user, now=now, today=today):
        raise DomainError(problem)
    if question.author_id == user.id:
        raise DomainError(_l("You cannot support your own question."))
    if not question.is_visible:
        raise DomainError(_l("This question is hidden and cannot be supported."))
    if question.status is not QuestionStatus.PENDING:
        raise DomainError(_l("This question has already been dealt with."))
    db.session.add(QuestionSupport(question_id=question.id, user_id=user.id, created_at=now))
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise DomainError(ALREADY_SUPPORTED) from error


def mark_answered(actor, question: EventQuestion, answer: str = "") -> None:
    """Staff: the question was answered (at the event or in writing)."""
    answer = (answer or "").strip()
    if len(answer) > MAX_ANSWER:
        raise DomainError(_l("Keep it to %(num)s characters.", num=MAX_ANSWER), field="answer")
    question.status, question.answer, question.reason = QuestionStatus.ANSWERED, answer, ""
    record(actor, "event.question.answer", question, event=question.event_id, answer=answer)
    db.session.commit()


def set_aside(actor, question: EventQuestion, reason: str) -> None:
    """Staff: the question will not be answered, for a reason shown to everyone."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Say why the question is set aside."), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_l("Keep it to %(num)s characters.", num=MAX_REASON), field="reason")
    question.status, question.reason, question.answer = QuestionStatus.SET_ASIDE, reason, ""
    record(actor, "event.question.set_aside", question, event=question.event_id, reason=reason)
    db.session.commit()
