"""Staff log of advice given: a form, counts per topic and per colonia, a chart, a CSV."""

from flask import Blueprint, Response, flash, redirect, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from participa.core.access import guard_blueprint
from participa.core.charts import Chart, hbar
from participa.core.csvfile import csv_stream
from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.extensions import db
from participa.officeplan import advice
from participa.officeplan.forms import AdviceForm
from participa.officeplan.labels import TOPIC_LABELS
from participa.officeplan.models import AdviceChannel, AdviceOutcome, AdviceTopic
from participa.officeplan.pages import render, small_int, today, year_arg
from participa.territory.models import Colonia

bp = Blueprint("advice", __name__, url_prefix="/gestion/orientacion")
guard_blueprint(bp, "staff", "admin")


def _chart(key: str, title, header, counts: dict) -> Chart:
    names = [str(name) for name in counts]
    values = list(counts.values())
    return Chart(
        key,
        title,
        hbar(names, values, [str(v) for v in values]),
        (header, _l("Times advised")),
        tuple(zip(names, values, strict=True)),
    )


def _form() -> AdviceForm:
    form = AdviceForm()
    colonias = db.session.execute(db.select(Colonia).order_by(Colonia.name)).scalars()
    form.colonia_id.choices = [("", _("Not recorded"))] + [(str(c.id), c.name) for c in colonias]
    return form


def _page(form: AdviceForm, status: int = 200):
    year = year_arg()
    topics = {TOPIC_LABELS[t]: n for t, n in advice.per_topic(year).items()}
    colonias = {name or _("Not recorded"): n for name, n in advice.per_colonia(year).items()}
    charts = [
        _chart("topics", _l("Advice per topic"), _l("Topic"), topics),
        _chart("colonias", _l("Advice per colonia"), _l("Colonia"), colonias),
    ]
    return render(
        "advice.html",
        status,
        form=form,
        charts=charts,
        year=year,
        years=advice.years(),
        recent=advice.recent(year),
    )


@bp.route("/", methods=["GET", "POST"])
def index():
    form = _form()
    if not form.is_submitted():
        form.given_on.data = today()
    if form.validate_on_submit():
        data = advice.AdviceData(
            given_on=form.given_on.data,
            # The SelectFields refuse anything outside their choices (a 400 with a message).
            topic=AdviceTopic(form.topic.data),
            colonia_id=small_int(form.colonia_id.data),
            channel=AdviceChannel(form.channel.data),
            outcome=AdviceOutcome(form.outcome.data),
            note=form.note.data or "",
        )
        try:
            advice.add(current_user, data, today())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Advice recorded."), "success")
            return redirect(url_for(".index"))
    return _page(form, 400 if form.errors or form.form_errors else 200)


@bp.route("/orientacion.csv")
def export():
    return Response(
        stream_with_context(csv_stream(advice.csv_rows(year_arg()))),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="orientacion.csv"'},
    )
