"""Rate limits: login, registration, password reset, answering and supporting are throttled
per IP address and per account; the 429 page is friendly and in Spanish; others go on."""

import os
import uuid

import pytest
from flask import session

from participa.auth.models import User
from participa.core.limits import account_key
from participa.extensions import db
from tests.factories import PASSWORD, Factories
from tests.hardening.conftest import SMALL_LIMITS
from tests.statements import recorded

TOO_MANY = "Demasiados intentos"


def post_login(client, email, password="equivocada", ip="10.0.0.1"):
    return client.post(
        "/cuenta/entrar",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def check_login_limit(app):
    make = Factories()
    make.user(email="vecina@example.mx")
    make.user(email="otra@example.mx")
    attacker = app.test_client()
    for _ in range(3):
        assert post_login(attacker, "vecina@example.mx").status_code == 400
    refused = post_login(attacker, "vecina@example.mx", password=PASSWORD)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert TOO_MANY in page and 'lang="es' in page
    assert attacker.get("/cuenta/").status_code == 302  # the right password did not get in
    # Someone else, from another address, logs in as usual.
    other = app.test_client()
    assert post_login(other, "otra@example.mx", PASSWORD, ip="10.0.0.9").status_code == 302


def test_login_is_limited_per_ip_and_others_are_not_affected(limited_app):
    check_login_limit(limited_app)


def test_login_is_limited_per_account_whatever_the_address(limited_app):
    Factories().user(email="vecina@example.mx")
    client = limited_app.test_client()
    for n in range(3):
        assert post_login(client, "vecina@example.mx", ip=f"10.0.1.{n}").status_code == 400
    # The fourth try comes from a new address, but it is the same account: refused.
    assert post_login(client, " Vecina@Example.mx", PASSWORD, ip="10.0.1.9").status_code == 429


def test_login_by_phone_is_limited_however_the_number_is_written(limited_app):
    user = Factories().user()
    user.phone = "+523312345678"
    db.session.commit()
    client = limited_app.test_client()
    for n, written in enumerate(("33 1234 5678", "(33) 1234-5678", "+52 33 1234 5678")):
        assert post_login(client, written, ip=f"10.0.2.{n}").status_code == 400
    assert post_login(client, "3312345678", PASSWORD, ip="10.0.2.9").status_code == 429


def test_registration_is_limited_per_ip(limited_app):
    client = limited_app.test_client()
    for _ in range(2):
        assert client.post("/cuenta/registro", data={"name": "x"}).status_code == 400
    response = client.post("/cuenta/registro", data={"name": "x"})
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)
    other = client.post("/cuenta/registro", data={}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 400
    assert client.get("/cuenta/registro").status_code == 200  # reading the form is not limited


def test_password_reset_is_limited(limited_app, outbox):
    client = limited_app.test_client()
    for _ in range(2):
        response = client.post("/cuenta/recuperar", data={"email": "nadie@example.mx"})
        assert response.status_code == 302
    response = client.post("/cuenta/recuperar", data={"email": "nadie@example.mx"})
    assert response.status_code == 429


def test_opening_reset_links_is_limited_per_ip(limited_app):
    client = limited_app.test_client()
    for n in range(2):
        assert client.get(f"/cuenta/recuperar/adivinanza-{n}").status_code == 303
    refused = client.get("/cuenta/recuperar/adivinanza-3")
    assert refused.status_code == 429 and TOO_MANY in refused.get_data(as_text=True)
    with client.session_transaction() as stored:
        assert stored.get("reset_token") == "adivinanza-1"  # the refused link stored nothing
    other = client.get("/cuenta/recuperar/x", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 303


def test_answering_is_limited_per_account_not_for_others(limited_app):
    make = Factories()
    centro = make.territory()["Centro"]
    process = make.consultation()
    hasty, calm = make.user(colonia=centro), make.user(colonia=centro)
    path = f"/procesos/{process.id}/responder"
    first = limited_app.test_client()
    second = limited_app.test_client()
    for client, user in ((first, hasty), (second, calm)):
        client.post("/cuenta/entrar", data={"email": user.email, "password": PASSWORD})
    statuses = [first.post(path, data={}).status_code for _ in range(4)]
    assert statuses[:3] == [400, 400, 400] and statuses[3] == 429
    # Same address (the same office computer, say), another resident: not throttled.
    assert second.post(path, data={}).status_code == 400


def test_the_suite_is_not_throttled_by_default(app, client):
    Factories().user(email="vecina@example.mx")
    for _ in range(15):
        post_login(client, "vecina@example.mx")
    assert post_login(client, "vecina@example.mx", PASSWORD).status_code == 302
    assert db.session.execute(db.select(User.last_login_at)).scalar() is not None


def redis_url() -> str:
    """The Redis URL for the variant, or skip (fail on CI) when no server answers."""
    url = os.environ.get("PARTICIPA_TEST_REDIS_URL")
    try:
        import redis

        redis.Redis.from_url(url or "redis://127.0.0.1:6379", socket_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - any failure means "no server"
        if url:
            pytest.fail(f"PARTICIPA_TEST_REDIS_URL is set but unreachable: {error}")
        pytest.skip("no Redis server at redis://127.0.0.1:6379 (set PARTICIPA_TEST_REDIS_URL)")
    return url or "redis://127.0.0.1:6379"


def test_login_limit_with_redis_storage(app_with):
    url = redis_url()
    # Counters of an earlier run (or of anybody else on this server) must not count here.
    prefix = f"participa-test-{uuid.uuid4().hex[:8]}"
    app = app_with(**SMALL_LIMITS, RATELIMIT_STORAGE_URI=url, RATELIMIT_KEY_PREFIX=prefix)
    check_login_limit(app)


def test_behind_a_proxy_each_resident_has_their_own_limit(app_with):
    app = app_with(**SMALL_LIMITS, PROXY_FIX_X_FOR=1)
    Factories().user(email="vecina@example.mx")
    client = app.test_client()

    def through_proxy(email, password, resident_ip):
        return client.post(
            "/cuenta/entrar",
            data={"email": email, "password": password},
            headers={"X-Forwarded-For": resident_ip},
            environ_base={"REMOTE_ADDR": "10.0.0.254"},  # the proxy
        )

    for n in range(3):
        assert through_proxy(f"n{n}@example.mx", "x", "203.0.113.5").status_code == 400
    assert through_proxy("n9@example.mx", "x", "203.0.113.5").status_code == 429
    assert through_proxy("vecina@example.mx", PASSWORD, "203.0.113.6").status_code == 302


def test_the_per_account_key_is_read_from_the_session_without_loading_the_account(limited_app):
    """The vote limit's key comes from the signed session ("id:fingerprint"), so the limiter
    asks the database nothing; before login it is the address."""
    user = Factories().user()
    with limited_app.test_request_context(environ_base={"REMOTE_ADDR": "10.0.2.1"}):
        assert account_key() == "10.0.2.1"
        session["_user_id"] = user.get_id()
        with recorded() as statements:
            assert account_key() == f"user:{user.id}"
        assert statements == []
