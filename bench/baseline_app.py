"""The throughput bench's baseline: a minimal Flask app doing one INSERT per POST.

Served by gunicorn with the same workers and threads as Participa, on the same database
(DATABASE_URL), through a pooled SQLAlchemy engine with the app's SQLite settings (WAL,
foreign keys, busy timeout, and `SQLITE_SYNCHRONOUS`, FULL by default as in the app).
Run: gunicorn 'bench.baseline_app:app'.
"""

import os
import secrets
import sqlite3

from flask import Flask, request
from sqlalchemy import create_engine, event, text

TABLE = "bench_baseline"
SCHEMA = f"CREATE TABLE IF NOT EXISTS {TABLE} (id VARCHAR(32) PRIMARY KEY, choice INTEGER)"
engine = create_engine(os.environ.get("DATABASE_URL", "sqlite://"))


@event.listens_for(engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=10000"):
            dbapi_connection.execute(f"PRAGMA {pragma}")
        synchronous = os.environ.get("SQLITE_SYNCHRONOUS", "FULL")
        dbapi_connection.execute(f"PRAGMA synchronous={synchronous}")


app = Flask(__name__)


@app.post("/vote")
def vote():
    with engine.begin() as connection:
        connection.execute(
            text(f"INSERT INTO {TABLE} (id, choice) VALUES (:id, :choice)"),
            {"id": secrets.token_hex(16), "choice": int(request.form.get("choice", 0))},
        )
    return "", 201
