"""Larger request bodies for the few pages that take large files (a roll of 200,000 lines).

MAX_CONTENT_LENGTH caps every request; an endpoint registered here (from its domain's
hooks.py) gets the limit of its own setting instead. The limit is read when the body is
first parsed, which may happen before the view (the CSRF check reads the form), so it is
the request class that knows it, from the endpoint the URL matched.
"""

from flask import Request, current_app

LARGE: dict[str, str] = {}  # endpoint -> the setting of its limit, in bytes


def allow_large(endpoint: str, setting: str) -> None:
    """Let requests to `endpoint` be as large as `config[setting]`."""
    LARGE[endpoint] = setting


class UploadLimitRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        setting = LARGE.get(self.endpoint or "")
        return current_app.config[setting] if setting else super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:  # a view's own limit
        Request.max_content_length.fset(self, value)
