"""Questionnaire building rules: questions and options, editable only while in draft."""

from dataclasses import dataclass, field
from functools import cache

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func
from sqlalchemy.orm import joinedload

from participa.audit.services import record
from participa.consultations.models import CHOICE_KINDS, Option, Question, QuestionKind, Response
from participa.core.errors import DomainError
from participa.extensions import db
from participa.processes.types import ProcessStatus

MAX_OPTIONS = 60
MAX_TEXT_LENGTH = 5000


@dataclass(frozen=True)
class QuestionData:
    kind: QuestionKind
    text: str
    help_text: str = ""
    required: bool = True
    max_choices: int | None = None
    max_length: int = 1000
    options: tuple[str, ...] = field(default=())


@cache
def _questions_query():
    return (
        db.select(Question)
        .where(Question.process_id == bindparam("process_id"))
        .options(joinedload(Question.options))
        .order_by(Question.position, Question.id)
    )


def questions(process) -> list[Question]:
    """The process's questions in order, with their options: one statement."""
    result = db.session.execute(_questions_query(), {"process_id": process.id})
    return list(result.unique().scalars())


def response_count(process) -> int:
    query = db.select(func.count()).select_from(Response).where(Response.process_id == process.id)
    return db.session.execute(query).scalar_one()


def _ensure_draft(process) -> None:
    if process.status is not ProcessStatus.DRAFT:
        raise DomainError(_l("The questionnaire can only be changed while the process is a draft."))


def _clean(data: QuestionData) -> QuestionData:
    options = tuple(label.strip() for label in data.options if label.strip())
    if data.kind in CHOICE_KINDS:
        if len(options) < 2:
            raise DomainError(_l("Write at least two options, one per line."), field="options")
        if len(options) > MAX_OPTIONS:
            raise DomainError(_l("Too many options (at most 60)."), field="options")
        if len({o.casefold() for o in options}) != len(options):
            raise DomainError(_l("Two options have the same text."), field="options")
    else:
        options = ()
    max_choices = (
        data.max_choices if data.kind in (QuestionKind.MULTIPLE, QuestionKind.RANKING) else None
    )
    if max_choices is not None and not 1 <= max_choices <= len(options):
        raise DomainError(
            _l("The maximum must be between 1 and the number of options."), field="max_choices"
        )
    if not 1 <= data.max_length <= MAX_TEXT_LENGTH:
        raise DomainError(_l("The text limit must be between 1 and 5000."), field="max_length")
    return QuestionData(
        data.kind,
        data.text.strip(),
        data.help_text.strip(),
        data.required,
        max_choices,
        data.max_length,
        options,
    )


def _fill(question: Question, data: QuestionData) -> None:
    question.kind, question.text, question.help_text = data.kind, data.text, data.help_text
    question.required, question.max_choices = data.required, data.max_choices
    question.max_length = data.max_length
    labels = [o.label for o in question.options]
    if labels != list(data.options):
        question.options = [Option(label=label, position=i) for i, label in enumerate(data.options)]


def _describe(question: Question) -> dict:
    """The question as the audit log keeps it."""
    return {
        "kind": question.kind,
        "text": question.text,
        "required": question.required,
        "max_choices": question.max_choices,
        "max_length": question.max_length,
        "options": [o.label for o in question.options],
    }


def add_question(actor, process, data: QuestionData) -> Question:
    """Append a question at the end of the questionnaire."""
    _ensure_draft(process)
    data = _clean(data)
    last = db.session.execute(
        db.select(func.max(Question.position)).where(Question.process_id == process.id)
    ).scalar()
    question = Question(process_id=process.id, position=(last or 0) + 1)
    _fill(question, data)
    db.session.add(question)
    db.session.flush()
    record(actor, "question.add", process, question=question.id, kind=data.kind)
    db.session.commit()
    return question


def update_question(actor, process, question: Question, data: QuestionData) -> None:
    _ensure_draft(process)
    data = _clean(data)
    before = _describe(question)
    _fill(question, data)
    record(
        actor,
        "question.update",
        process,
        question=question.id,
        before=before,
        after=_describe(question),
    )
    db.session.commit()


def delete_question(actor, process, question: Question) -> None:
    _ensure_draft(process)
    record(actor, "question.delete", process, question=question.id, text=question.text)
    db.session.delete(question)
    db.session.commit()


def move_question(actor, process, question: Question, step: int) -> None:
    """Swap the question with its neighbour above (step -1) or below (step +1)."""
    _ensure_draft(process)
    ordered = questions(process)
    index = ordered.index(question)
    other = index + step
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    record(actor, "question.move", process, question=question.id, step=step)
    db.session.commit()


def problems(process) -> list:
    """What keeps the questionnaire from being answerable."""
    found = questions(process)
    if not found:
        return [_l("Add at least one question before publishing.")]
    return [
        # gettext, not lazy: a lazy string renders as safe HTML, and the text is staff input.
        gettext("The question “%(text)s” needs at least two options.", text=q.text)
        for q in found
        if q.kind in CHOICE_KINDS and len(q.options) < 2
    ]
