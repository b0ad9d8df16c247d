"""Paper batches of a table: two typings, the reconciliation screen, the commit."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participa.budgets.voting_forms import ballot_rows
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.tables import batches
from participa.tables.ballots import ballot_of, loads
from participa.tables.forms import BATCH_DONE, BATCH_LABELS, BatchForm
from participa.tables.models import BatchStatus, PaperBatch
from participa.tables.views import load, max_text

bp = Blueprint("table_batches", __name__, url_prefix="/gestion/procesos/<int:process_id>/mesas")
guard_blueprint(bp, "staff", "admin")


def _load(process_id: int, table_id: int, batch_id: int):
    process, table = load(process_id, table_id)
    batch = db.session.get(PaperBatch, batch_id)
    if batch is None or batch.table_id != table.id:
        abort(404)
    return process, table, batch, ballot_of(table, max_text())


def _to_batch(process, table, batch):
    return redirect(url_for(".batch", process_id=process.id, table_id=table.id, batch_id=batch.id))


def _words(ballot, paper):
    spoiled, content = paper
    return [_("Spoiled or blank")] if spoiled else ballot.words(loads(content))


@bp.route("/<int:table_id>/lotes", methods=["POST"])
def new(process_id: int, table_id: int):
    process, table = load(process_id, table_id)
    form = BatchForm()
    if not form.validate_on_submit():
        flash(_("Write how many papers the batch has, from 1 to 200."), "error")
        return redirect(url_for("tables.detail", process_id=process.id, table_id=table.id))
    try:
        batch = batches.new_batch(current_user, table, form.size.data, utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("tables.detail", process_id=process.id, table_id=table.id))
    return _to_batch(process, table, batch)


@bp.route("/<int:table_id>/lotes/<int:batch_id>")
def batch(process_id: int, table_id: int, batch_id: int):
    process, table, batch, ballot = _load(process_id, table_id, batch_id)
    mine = batches.entry_of(batch, current_user)
    # Only the person's own typing is shown: the other one stays unseen until both finish.
    papers = {n: _words(ballot, p) for n, p in batches.papers_of(mine).items()} if mine else {}
    typed = {e.slot for e in batch.entries if e.typist_id == current_user.id}
    differences = []
    if batch.status is BatchStatus.DIFFERENT:
        differences = [
            (d, _words(ballot, d.first), _words(ballot, d.second))
            for d in batches.differences(batch)
        ]
    return render_template(
        "tables/batch.html",
        process=process,
        table=table,
        batch=batch,
        ballot=ballot,
        mine=mine,
        papers=papers,
        differences=differences,
        may_resolve=not typed,
        batch_labels=BATCH_LABELS,
        form=EmptyForm(),
    )


@bp.route("/<int:table_id>/lotes/<int:batch_id>/capturar", methods=["POST"])
def start(process_id: int, table_id: int, batch_id: int):
    process, table, batch, _ballot = _load(process_id, table_id, batch_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        entry = batches.start_entry(current_user, batch, utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return _to_batch(process, table, batch)
    typed = batches.papers_of(entry)
    first = next((n for n in range(1, batch.size + 1) if n not in typed), 1)
    return redirect(
        url_for(".paper", process_id=process.id, table_id=table.id, batch_id=batch.id, n=first)
    )


def _paper_page(process, table, batch, ballot, n, form, status=200):
    rows = ballot_rows(ballot.ballot, form, ballot.projects) if ballot.kind == "pb" else []
    return render_template(
        "tables/paper.html",
        process=process,
        table=table,
        batch=batch,
        ballot=ballot,
        n=n,
        form=form,
        rows=rows,
    ), status


def _after_paper(process, table, batch, n):
    if n < batch.size:
        return redirect(
            url_for(".paper", process_id=process.id, table_id=table.id, batch_id=batch.id, n=n + 1)
        )
    return _to_batch(process, table, batch)


@bp.route("/<int:table_id>/lotes/<int:batch_id>/papel/<int:n>", methods=["GET", "POST"])
def paper(process_id: int, table_id: int, batch_id: int, n: int):
    process, table, batch, ballot = _load(process_id, table_id, batch_id)
    if batches.entry_of(batch, current_user) is None or not 1 <= n <= batch.size:
        return _to_batch(process, table, batch)
    form = ballot.form()
    if not form.validate_on_submit():
        return _paper_page(process, table, batch, ballot, n, form, 400 if form.errors else 200)
    try:
        content = ballot.read(form)
        ballot.validate(content, form)
        batches.save_paper(current_user, ballot, batch, n, content)
    except DomainError as error:
        if not form.errors:
            show_error(form, error)
        return _paper_page(process, table, batch, ballot, n, form, 400)
    return _after_paper(process, table, batch, n)


@bp.route("/<int:table_id>/lotes/<int:batch_id>/papel/<int:n>/anulada", methods=["POST"])
def spoiled(process_id: int, table_id: int, batch_id: int, n: int):
    process, table, batch, ballot = _load(process_id, table_id, batch_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        batches.save_paper(current_user, ballot, batch, n, None)
    except DomainError as error:
        flash(error.message, "error")
        return _to_batch(process, table, batch)
    return _after_paper(process, table, batch, n)


@bp.route("/<int:table_id>/lotes/<int:batch_id>/terminar", methods=["POST"])
def finish(process_id: int, table_id: int, batch_id: int):
    process, table, batch, ballot = _load(process_id, table_id, batch_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        batches.finish_entry(current_user, ballot, batch, utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(str(BATCH_DONE[batch.status.value]), "success")
    return _to_batch(process, table, batch)


@bp.route("/<int:table_id>/lotes/<int:batch_id>/conciliar", methods=["POST"])
def resolve(process_id: int, table_id: int, batch_id: int):
    process, table, batch, ballot = _load(process_id, table_id, batch_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    choices = {}
    for d in batches.differences(batch):
        value = request.form.get(f"paper-{d.position}", "")
        if value in ("1", "2"):
            choices[d.position] = int(value)
    try:
        batches.resolve(current_user, ballot, batch, choices, utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Differences resolved: the batch was stored."), "success")
    return _to_batch(process, table, batch)
