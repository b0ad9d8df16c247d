"""These tests read messages in English (their msgids); uploads go to a temporary folder."""

import pytest

from tests.proposals.helpers import Kit


@pytest.fixture(autouse=True)
def english_messages(app, tmp_path):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    app.instance_path = str(tmp_path / "instance")


@pytest.fixture
def kit(make) -> Kit:
    return Kit(make)
