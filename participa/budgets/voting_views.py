"""Voting in a PB ballot (pages filled in by the voting work)."""

from flask import Blueprint

bp = Blueprint("pb_voting", __name__, url_prefix="/procesos/<int:process_id>/boletas")
