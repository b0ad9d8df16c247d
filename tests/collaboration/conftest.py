from tests.oversight.conftest import as_user, world  # noqa: F401 - shared fixtures
