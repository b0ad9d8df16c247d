"""Entry point for `flask --app app ...` and gunicorn (`app:app`)."""

from participa import create_app

app = create_app()
