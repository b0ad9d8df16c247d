"""The public page of the audit log's signed checkpoints, and their downloads."""

import json

from flask import Blueprint, Response, render_template, stream_with_context

from participa.audit.services import checkpoints
from participa.core.csvfile import csv_stream

bp = Blueprint("audit_public", __name__, url_prefix="/transparencia/bitacora")

SHOWN = 100  # on the page; the downloads hold every checkpoint
FIELDS = ("at", "events", "tip_hash", "signature")


@bp.route("/")
def checkpoint_list():
    return render_template("audit/checkpoints.html", checkpoints=checkpoints(SHOWN))


@bp.route("/puntos-de-control.csv")
def checkpoints_csv():
    rows = [FIELDS, *(_row(c) for c in checkpoints())]  # read while the session is open
    return Response(
        stream_with_context(csv_stream(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="bitacora-puntos-de-control.csv"'},
    )


@bp.route("/puntos-de-control.json")
def checkpoints_json():
    data = {"checkpoints": [dict(zip(FIELDS, _row(c), strict=True)) for c in checkpoints()]}
    response = Response(_dumps(data), mimetype="application/json")
    response.headers["Content-Disposition"] = (
        'attachment; filename="bitacora-puntos-de-control.json"'
    )
    return response


def _row(checkpoint) -> tuple:
    return (
        checkpoint.at.isoformat(),
        checkpoint.event_count,
        checkpoint.tip_hash,
        checkpoint.signature,
    )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)
