"""Helpers of the follow-up tests: an approved list of priorities and held council sessions."""

from datetime import date, timedelta

from participa.council import sessions
from participa.council.models import SessionKind
from participa.works import followup, rounds
from participa.works.models import RoundStatus
from tests.works.conftest import NOW

JUSTIFICATION = "El consejo decidió este orden en la sesión."


def approved(works, titles=("Pozo de agua", "Banquetas")):
    """An approved round with `titles` as priorities 1, 2… (in that order); their works."""
    made = [works.work(t) for t in titles]
    round_ = works.open_round(works=made)
    (member,) = works.council()
    works.scores(round_, member, {w.id: (5, 5) for w in made})
    rounds.change_status(works.staff, round_, RoundStatus.CLOSED)
    ranks = {w.id: i + 1 for i, w in enumerate(made)}
    rounds.approve(works.staff, round_, ranks, JUSTIFICATION, NOW)
    return made


def held_session(staff, days_ago=10):
    from flask_babel import get_timezone

    session = sessions.create_session(
        staff, SessionKind.ORDINARY, NOW - timedelta(days=days_ago), "Sala", get_timezone()
    )
    sessions.mark_held(staff, session)
    return session


def report(staff, work, progress=10, spent=100_000, note="", session=None, day=None, tmp=None):
    data = followup.ReportData(day or date(2026, 11, 1), progress, spent, note)
    return followup.add_report(staff, work, data, [], tmp, NOW, session)
