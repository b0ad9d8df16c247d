from tests.works.conftest import english_messages, session, works  # noqa: F401 - shared fixtures
