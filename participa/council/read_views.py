"""Reading the council: members read everything (drafts too); the public, approved minutes.

Council members (role council), staff and admin read under /consejo/sesiones; everyone reads
under /cmpc the current members, the agreements and the sessions whose minutes are approved.
The results dashboard keeps /consejo/ itself.
"""

from flask import Blueprint, abort, request

from participa.core.access import guard_blueprint
from participa.council import agreements, members, minutes, sessions
from participa.council.forms import AgreementFilterForm
from participa.council.models import AgreementStatus
from participa.council.pages import (
    load_agreement,
    load_session,
    render,
    session_context,
    today,
)

council_bp = Blueprint("council_read", __name__, url_prefix="/consejo/sesiones")
guard_blueprint(council_bp, "council", "staff", "admin")
public_bp = Blueprint("council_public", __name__, url_prefix="/cmpc")


def _session(session_id: int, public: bool):
    return render(
        "session.html",
        staff=False,
        public=public,
        **session_context(load_session(session_id, public)),
    )


def _print(session_id: int, public: bool):
    session = load_session(session_id, public)
    return render("minutes_print.html", public=public, **session_context(session))


def _version(session_id: int, number: int, public: bool):
    session = load_session(session_id, public)
    found = minutes.version(session, number)
    if found is None:
        abort(404)
    return render("minutes_version.html", public=public, session=session, version=found)


def _agreement(agreement_id: int, public: bool):
    agreement = load_agreement(agreement_id, public)
    return render("agreement.html", public=public, agreement=agreement, form=None, today_=today())


@council_bp.route("/")
def index():
    return render(
        "index.html",
        public=False,
        members=members.current_members(today()),
        sessions=sessions.all_sessions(),
    )


@council_bp.route("/<int:session_id>")
def session(session_id: int):
    return _session(session_id, public=False)


@council_bp.route("/<int:session_id>/acta/imprimir")
def print_minutes(session_id: int):
    return _print(session_id, public=False)


@council_bp.route("/<int:session_id>/acta/v<int:number>")
def version(session_id: int, number: int):
    return _version(session_id, number, public=False)


@council_bp.route("/acuerdos/<int:agreement_id>")
def agreement(agreement_id: int):
    return _agreement(agreement_id, public=False)


@public_bp.route("/")
def public_index():
    return render(
        "index.html",
        public=True,
        members=members.current_members(today()),
        sessions=sessions.approved_sessions(),
    )


@public_bp.route("/sesiones/<int:session_id>")
def public_session(session_id: int):
    return _session(session_id, public=True)


@public_bp.route("/sesiones/<int:session_id>/acta")
def public_print(session_id: int):
    return _print(session_id, public=True)


@public_bp.route("/sesiones/<int:session_id>/acta/v<int:number>")
def public_version(session_id: int, number: int):
    return _version(session_id, number, public=True)


@public_bp.route("/acuerdos/<int:agreement_id>")
def public_agreement(agreement_id: int):
    return _agreement(agreement_id, public=True)


@public_bp.route("/acuerdos/")
def public_agreements():
    form = AgreementFilterForm(request.args)
    wanted = form.estado.data if form.validate() else ""
    found = agreements.find_agreements(
        status=AgreementStatus(wanted) if wanted in set(AgreementStatus) else None,
        overdue_on=today() if wanted == "overdue" else None,
        approved_only=True,
    )
    return render("agreements.html", form=form, agreements=found, today_=today())
