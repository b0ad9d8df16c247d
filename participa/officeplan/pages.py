"""Helpers the office plan's views share: rendering with the labels, and reading the input."""

from flask import render_template, request
from flask_babel import get_timezone

from participa.core.timeutil import local_today
from participa.officeplan.labels import LABELS


def render(template: str, status: int = 200, **context):
    return render_template(f"officeplan/{template}", **LABELS, **context), status


def small_int(text: str | None, digits: int = 9) -> int | None:
    """A whole number typed or chosen (at most `digits` digits); None if it is not one."""
    text = (text or "").strip()
    return int(text) if text.isdecimal() and len(text) <= digits else None


def year_arg() -> int | None:
    return small_int(request.args.get("anio"), 4)


def today():
    return local_today(get_timezone())
