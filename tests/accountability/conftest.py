"""Accountability tests read pages in English and reuse the works factories."""

import pytest

from tests.works.conftest import WorksFactories


@pytest.fixture(autouse=True)
def english_messages(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


@pytest.fixture
def works(make):
    return WorksFactories(make)
