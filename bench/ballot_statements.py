"""List the SQL statements of one confirmed ballot POST: a PB vote and a consultation answer.

Run: .venv/bin/python -m bench.ballot_statements [--db URL]
A small generated city (200 ballots, a few residents who have not voted); each resident logs
in through Flask's test client (CSRF on, rate limit on), opens the ballot, and the statements
of their confirmed POST are recorded with SQLAlchemy's `before_cursor_execute` event.
Prints each statement (first line, shortened) and the count; asserts nothing.
"""

import argparse
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event

from bench.generate import PASSWORD, generate
from participa import create_app
from participa.consultations.models import QuestionKind
from participa.extensions import db

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@contextmanager
def recorded(engine):
    """Collect the statements `engine` sends (executemany counts once: one round trip)."""
    statements: list[str] = []

    def before(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def logged_in(app, email: str, path: str):
    """A test client of `email`, logged in, with the CSRF token of the page at `path`."""
    client = app.test_client()
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    client.post(
        "/cuenta/entrar",
        data={"csrf_token": TOKEN.search(page)[1], "email": email, "password": PASSWORD},
    )
    token = TOKEN.search(client.get(path).get_data(as_text=True))[1]
    return client, token


def answers_form(questions) -> dict:
    """One valid answer to each generated question, as the answer form posts it."""
    data = {}
    for q in questions:
        name = f"q{q.id}"
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            data[name] = q.option_ids[0]
        elif q.kind is QuestionKind.RANKING:
            data.update({f"{name}-o{o}": i + 1 for i, o in enumerate(q.option_ids)})
        elif q.kind is QuestionKind.SCALE:
            data[name] = 4
        elif q.kind is QuestionKind.YES_NO:
            data[name] = 1
        else:
            data[name] = "Gracias."
    return data


def shortened(statement: str, width: int = 150) -> str:
    return statement if len(statement) <= width else statement[: width - 1] + "…"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="SQLAlchemy URL of an empty database (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'statements.db'}"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "SESSION_COOKIE_SECURE": False,
                "RATELIMIT_LOGIN": "1000000/minute",
            }
        )
        with app.app_context():
            db.create_all()
            made = generate(200, spare=4, published=False)
            engine = db.engine
        ballot = made.city.ballots[0]
        pb_path = f"/procesos/{made.city.pb_process_id}/boletas/{ballot.id}/votar"
        answer_path = f"/procesos/{made.city.consultation_id}/responder"
        posts = (
            ("PB vote", pb_path, {"projects": ballot.projects[0][0]}),
            ("consultation answer", answer_path, answers_form(made.city.questions)),
        )
        for (label, path, data), email in zip(posts, made.spare_emails, strict=False):
            client, token = logged_in(app, email, path)
            with recorded(engine) as statements:
                status = client.post(path, data={**data, "csrf_token": token, "step": "confirm"})
            print(f"\n{label}: {len(statements)} statements, status {status.status_code}")
            for n, statement in enumerate(statements, 1):
                print(f"  {n:2}. {shortened(statement)}")


if __name__ == "__main__":
    main()
