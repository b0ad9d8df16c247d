import pytest

from tests.oversight.conftest import as_user, world  # noqa: F401 - shared fixtures


@pytest.fixture(autouse=True)
def english_messages(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
