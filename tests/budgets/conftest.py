"""Budget tests read pages and messages in English, their msgids, whatever the catalog says.

Spanish rendering of these pages is covered by the browser tests (Spanish is the default
there) and by tests/test_i18n.py, which requires a translation for every message.
"""

import pytest


@pytest.fixture(autouse=True)
def english_messages(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
