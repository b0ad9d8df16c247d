"""Checking a receipt: is my ballot in the count? (never what it says)."""

from flask import Blueprint, render_template, request

from participa.receipts.services import find_receipt

bp = Blueprint("receipts", __name__)


@bp.route("/recibos", methods=["GET", "POST"])
def check():
    # POST, not a query string: a code in a URL would sit in access logs beside the IP.
    code = request.form.get("codigo", "").strip()[:40] if request.method == "POST" else ""
    process = find_receipt(code) if code else None
    return render_template("receipts/check.html", code=code, process=process)
