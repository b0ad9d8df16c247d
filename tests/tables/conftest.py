"""Table tests read pages in English (their msgids); tests/test_i18n.py checks the Spanish."""

import pytest


@pytest.fixture(autouse=True)
def english_messages(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
