"""Fixtures of the hardening tests: apps with rate limits or the admin TOTP rule turned on."""

import contextlib
from collections.abc import Sequence

import pytest
from flask import current_app

from participa.extensions import db
from tests.hardening.world import WorldApp, build_template
from tests.mailbox import outbox_messages, text_part

SMALL_LIMITS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_LOGIN": "3/minute",
    "RATELIMIT_LOGIN_CODE": "3/minute",
    "RATELIMIT_REGISTER": "2/hour",
    "RATELIMIT_PASSWORD_RESET": "2/hour",
    "RATELIMIT_VOTE": "3/minute",
}


class Outbox(Sequence):
    """The messages the current app wrote to its outbox folder, as (to, subject, text)."""

    def _messages(self) -> list[tuple[str, str, str]]:
        return [
            (message["To"], message["Subject"], text_part(message))
            for message in outbox_messages(current_app)
        ]

    def __getitem__(self, index):
        return self._messages()[index]

    def __len__(self) -> int:
        return len(self._messages())

    def __eq__(self, other) -> bool:
        return self._messages() == list(other)


@pytest.fixture
def outbox():
    return Outbox()


@pytest.fixture
def app_with(database):
    """`app_with(**settings)`: the app with these settings, its context pushed for the test."""
    with contextlib.ExitStack() as stack:

        def build(**overrides):
            app = database(**overrides)
            stack.enter_context(app.app_context())
            stack.callback(db.engine.dispose)
            stack.callback(db.session.remove)
            return app

        yield build


@pytest.fixture
def limited_app(app_with):
    return app_with(**SMALL_LIMITS)


@pytest.fixture(scope="session")
def world_template(tmp_path_factory):
    """The demo world, seeded once per session into a template database file."""
    return build_template(tmp_path_factory.mktemp("world"))


@pytest.fixture(scope="session")
def world_app(world_template, tmp_path_factory):
    """One app for the world's tests (making an app per test would cost more than the test)."""
    return WorldApp(world_template, tmp_path_factory.mktemp("world-app"))


@pytest.fixture
def world(world_app):
    """The app on a fresh copy of the world, its context pushed (see tests/hardening/world.py)."""
    with world_app.app.app_context():
        world_app.reset()
        yield world_app
        db.session.remove()
        db.engine.dispose()
