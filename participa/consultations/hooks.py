"""How consultations plug into the rest: the process pages, the lifecycle and receipts."""

from flask_babel import lazy_gettext as _l

from participa.consultations import answering, questionnaire
from participa.processes import components
from participa.processes.components import Panel
from participa.processes.types import Component, ProcessStatus
from participa.receipts.services import register_finder

QUESTIONNAIRE = Component.QUESTIONNAIRE

register_finder(answering.receipt_process)


@components.on_detail(QUESTIONNAIRE)
def detail_panel(process, user, today) -> Panel:
    """How to answer, or why `user` cannot; whether they took part once it closed."""
    signed_in = user is not None
    return Panel(
        "consultations/_detail_panel.html",
        {
            "problem": answering.eligibility_problem(process, user, today) if signed_in else None,
            "taken": answering.has_taken_part(process, user) if signed_in else None,
            "question_count": len(questionnaire.questions(process)),
        },
    )


@components.on_manage(QUESTIONNAIRE)
def manage_panel(process) -> Panel:
    return Panel(
        "consultations/_manage_panel.html",
        {"responses": questionnaire.response_count(process)},
    )


@components.on_readiness(QUESTIONNAIRE)
def readiness(process, target: ProcessStatus) -> list:
    """Complete before announcing or opening; no going back to draft once people answered."""
    if target in (ProcessStatus.PUBLISHED, ProcessStatus.OPEN):
        return questionnaire.problems(process)
    if target is ProcessStatus.DRAFT and questionnaire.response_count(process):
        return [_l("People have already taken part; the process cannot go back.")]
    return []
