"""Eligibility tests read messages in English (their msgids)."""

import pytest

from tests.eligibility.helpers import Kit


@pytest.fixture(autouse=True)
def english_messages(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


@pytest.fixture
def kit(make) -> Kit:
    return Kit(make)
