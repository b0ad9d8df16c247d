"""Tables for staff: set-up and totals, and the tablet mode that serves one person at a time."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from participa.auth.models import SEX_LABELS
from participa.budgets.ballots import ballots
from participa.budgets.voting_forms import ballot_rows
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import local_today, utcnow
from participa.extensions import db
from participa.processes.services import get_process
from participa.processes.types import Component
from participa.tables import services
from participa.tables.ballots import ballot_of
from participa.tables.forms import BATCH_LABELS, BatchForm, LookupForm, ReceivedForm, TableForm
from participa.tables.lookup import look_up
from participa.tables.models import VotingTable
from participa.territory.services import delegaciones

bp = Blueprint("tables", __name__, url_prefix="/gestion/procesos/<int:process_id>/mesas")
guard_blueprint(bp, "staff", "admin")

PERSON = "table_person"  # the person being served, kept in the session between steps


def load(process_id: int, table_id: int | None = None):
    process = get_process(process_id)
    if not {Component.QUESTIONNAIRE, Component.PB_BALLOT} & set(process.components):
        abort(404)
    table = db.session.get(VotingTable, table_id) if table_id is not None else None
    if table_id is not None and (table is None or table.process_id != process.id):
        abort(404)
    return process, table


def serving(process_id: int, table_id: int):
    """The table, for its own staff (and administrators) only."""
    process, table = load(process_id, table_id)
    if not services.may_serve(table, current_user):
        abort(403)
    return process, table


def max_text() -> int:
    return current_app.config["MAX_TEXT_ANSWER_LENGTH"]


def today():
    return local_today(get_timezone())


def _colonias():
    return [("", _("Choose…"))] + [(str(c.id), c.label) for d in delegaciones() for c in d.colonias]


def _submitted_id(value: str | None) -> int | None:
    """An id from a select the service checks: None when empty, 0 (no row) when not a number."""
    if not value:
        return None
    return int(value) if value.isdigit() else 0


def _table_form(process, table=None) -> TableForm:
    form = TableForm(obj=table)
    form.colonia_id.choices = _colonias()
    form.pb_ballot_id.choices = [(str(b.id), b.name) for b in ballots(process)]
    form.staff_ids.choices = [(u.id, u.name) for u in services.staff_choices()]
    if table is not None and request.method == "GET":
        form.colonia_id.data = str(table.colonia_id or "")
        form.pb_ballot_id.data = str(table.pb_ballot_id or "")
        form.staff_ids.data = [u.id for u in table.staff]
    return form


@bp.route("/")
def index(process_id: int):
    process, _table = load(process_id)
    rows = [(t, services.totals(t)) for t in services.tables(process)]
    return render_template("tables/index.html", process=process, rows=rows)


@bp.route("/nueva", methods=["GET", "POST"])
@bp.route("/<int:table_id>/editar", methods=["GET", "POST"])
def edit(process_id: int, table_id: int | None = None):
    process, table = load(process_id, table_id)
    form = _table_form(process, table)
    if form.validate_on_submit():
        data = services.TableData(
            name=form.name.data,
            place=form.place.data or "",
            colonia_id=int(form.colonia_id.data) if form.colonia_id.data else None,
            pb_ballot_id=_submitted_id(form.pb_ballot_id.data),
            staff_ids=tuple(form.staff_ids.data or ()),
        )
        try:
            table = services.save_table(current_user, process, table, data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Table saved."), "success")
            return redirect(url_for(".detail", process_id=process.id, table_id=table.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("tables/edit.html", process=process, table=table, form=form), status


@bp.route("/<int:table_id>")
def detail(process_id: int, table_id: int):
    process, table = load(process_id, table_id)
    return render_template(
        "tables/detail.html",
        process=process,
        table=table,
        totals=services.totals(table),
        received_form=ReceivedForm(formdata=None, received=table.received),
        batch_form=BatchForm(formdata=None),
        batch_labels=BATCH_LABELS,
        may_serve=services.may_serve(table, current_user),
    )


@bp.route("/<int:table_id>/recibidas", methods=["POST"])
def received(process_id: int, table_id: int):
    process, table = serving(process_id, table_id)
    form = ReceivedForm()
    if form.validate_on_submit():
        services.save_received(current_user, table, form.received.data)
        flash(_("Papers in the box saved."), "success")
    else:
        flash(_("Write the number of papers found in the box."), "error")
    return redirect(url_for(".detail", process_id=process.id, table_id=table.id))


# --- tablet mode ------------------------------------------------------------------------


def _person(table):
    """The person being served at this table, looked up again from what the session keeps."""
    kept = session.get(PERSON)
    if not kept or kept.get("table") != table.id:
        return None
    try:
        return look_up(table.process, kept["key"], kept.get("colonia_id"), today())
    except DomainError:
        return None


def _tablet(template: str, process, table, status: int = 200, **context):
    ballot = ballot_of(table, max_text())
    form = context.get("form")
    if ballot.kind == "pb" and template == "vote.html":
        context["rows"] = ballot_rows(ballot.ballot, form, ballot.projects)
    return render_template(
        f"tables/{template}",
        process=process,
        table=table,
        ballot=ballot,
        sex_labels=SEX_LABELS,
        **context,
    ), status


@bp.route("/<int:table_id>/tableta", methods=["GET", "POST"])
def tablet(process_id: int, table_id: int):
    process, table = serving(process_id, table_id)
    form = LookupForm()
    form.colonia_id.choices = _colonias()
    if form.validate_on_submit():
        colonia_id = int(form.colonia_id.data) if form.colonia_id.data else None
        try:
            look_up(process, form.key.data, colonia_id, today())
        except DomainError as error:
            show_error(form, error)
        else:
            key = form.key.data.strip().upper()
            session[PERSON] = {"table": table.id, "key": key, "colonia_id": colonia_id}
            return redirect(url_for(".person", process_id=process.id, table_id=table.id))
    status = 400 if form.errors or form.form_errors else 200
    return _tablet("tablet.html", process, table, status, form=form)


@bp.route("/<int:table_id>/tableta/persona")
def person(process_id: int, table_id: int):
    process, table = serving(process_id, table_id)
    voter = _person(table)
    if voter is None:
        return redirect(url_for(".tablet", process_id=process.id, table_id=table.id))
    problem = services.person_problem(table, voter, today(), max_text())
    return _tablet("person.html", process, table, voter=voter, problem=problem, form=EmptyForm())


@bp.route("/<int:table_id>/tableta/siguiente", methods=["POST"])
def next_person(process_id: int, table_id: int):
    process, table = serving(process_id, table_id)
    if EmptyForm().validate_on_submit():
        session.pop(PERSON, None)
    return redirect(url_for(".tablet", process_id=process.id, table_id=table.id))


@bp.route("/<int:table_id>/tableta/votar", methods=["GET", "POST"])
def vote(process_id: int, table_id: int):
    process, table = serving(process_id, table_id)
    voter = _person(table)
    if voter is None:
        return redirect(url_for(".tablet", process_id=process.id, table_id=table.id))
    ballot = ballot_of(table, max_text())
    if problem := services.person_problem(table, voter, today(), max_text()):
        status = 409 if request.method == "POST" else 200
        return _tablet("person.html", process, table, status, voter=voter, problem=problem)
    form = ballot.form()
    if not form.validate_on_submit():
        return _tablet(
            "vote.html", process, table, 400 if form.errors else 200, form=form, voter=voter
        )
    try:
        content = ballot.read(form)
        ballot.validate(content, form)
        code = services.desk_vote(
            current_user, table, voter, content, now=utcnow(), today=today(), max_text=max_text()
        )
    except DomainError as error:
        if services.person_problem(table, voter, today(), max_text()):
            return _tablet("person.html", process, table, 409, voter=voter, problem=error.message)
        if not form.errors and error.message not in form.form_errors:
            show_error(form, error)
        return _tablet("vote.html", process, table, 400, form=form, voter=voter)
    session.pop(PERSON, None)
    session["table_receipt"] = {"table": table.id, "code": code}
    return redirect(url_for(".receipt", process_id=process.id, table_id=table.id))


@bp.route("/<int:table_id>/tableta/papel", methods=["POST"])
def paper(process_id: int, table_id: int):
    process, table = serving(process_id, table_id)
    voter = _person(table)
    if voter is None or not EmptyForm().validate_on_submit():
        return redirect(url_for(".tablet", process_id=process.id, table_id=table.id))
    try:
        services.hand_out_paper(
            current_user, table, voter, now=utcnow(), today=today(), max_text=max_text()
        )
    except DomainError as error:
        return _tablet("person.html", process, table, 409, voter=voter, problem=error.message)
    session.pop(PERSON, None)
    flash(_("Paper ballot handed out. The person is marked as having voted."), "success")
    return redirect(url_for(".tablet", process_id=process.id, table_id=table.id))


@bp.route("/<int:table_id>/tableta/comprobante")
def receipt(process_id: int, table_id: int):
    process, table = serving(process_id, table_id)
    data = session.pop("table_receipt", None)
    code = data["code"] if data and data["table"] == table.id else None
    return _tablet("receipt.html", process, table, code=code, form=EmptyForm())
