"""`make run HOST=0.0.0.0` (Werkzeug's development server, plain HTTP) works from a phone on
the LAN: its cookies are not `Secure`, so the browser sends them back. gunicorn (`make serve`)
and HTTPS keep `Secure` (tests/hardening/test_headers.py checks the HTTPS side too)."""

import re
import threading

import pytest
import requests
from werkzeug.serving import make_server

from tests.factories import PASSWORD, Factories

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LAN_HOST = "192.168.1.20:5000"  # what a phone's browser sends as Host; nothing listens there
SECURE = dict(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, WTF_CSRF_ENABLED=True)


@pytest.fixture
def dev_server(app_with):
    """The app under Werkzeug's development server (what `flask run` starts), production's
    Secure cookie settings, CSRF on."""
    app = app_with(**SECURE)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def _login(session: requests.Session, url: str, email: str) -> requests.Response:
    page = session.get(f"{url}/cuenta/entrar", headers={"Host": LAN_HOST})
    token = CSRF_INPUT.search(page.text).group(1)
    return session.post(
        f"{url}/cuenta/entrar",
        data={"email": email, "password": PASSWORD, "remember": "y", "csrf_token": token},
        headers={"Host": LAN_HOST},
        allow_redirects=False,
    )


def test_a_phone_on_the_lan_logs_in_over_plain_http(dev_server):
    app, url = dev_server
    user = Factories().user(email="vecina@example.mx")
    with requests.Session() as phone:
        response = _login(phone, url, user.email)
        assert response.status_code == 302 and "/cuenta/entrar" not in response.headers["Location"]
        cookies = [c for c in response.raw.headers.getlist("Set-Cookie")]
        assert {c.split("=", 1)[0] for c in cookies} >= {"session", "remember_token"}
        assert not [c for c in cookies if "secure" in c.lower()], cookies
        assert all("HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
        # The browser sends the cookie back: the account page opens, no log-in asked.
        account = phone.get(f"{url}/cuenta/", headers={"Host": LAN_HOST}, allow_redirects=False)
        assert account.status_code == 200


def _login_cookies(app, base_url: str, server_software: str) -> list[str]:
    user = Factories().user(email="vecino@example.mx")
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    response = client.post(
        "/cuenta/entrar",
        data={"email": user.email, "password": PASSWORD, "remember": "y"},
        base_url=base_url,
        environ_base={"SERVER_SOFTWARE": server_software},
    )
    assert response.status_code == 302
    return [
        c for c in response.headers.getlist("Set-Cookie") if c.startswith(("session=", "remember_"))
    ]


@pytest.mark.parametrize(
    ("base_url", "server_software", "setting"),
    [
        ("http://192.168.1.20:8000", "gunicorn/23.0.0", True),  # make serve: always Secure
        ("https://192.168.1.20:5000", "Werkzeug/3.1.9", True),  # flask run with --cert
        ("http://192.168.1.20:5000", "Werkzeug/3.1.9", False),  # the setting turned off
    ],
    ids=["gunicorn", "dev-server-https", "dev-server-setting-off"],
)
def test_cookies_stay_secure_elsewhere(app_with, base_url, server_software, setting):
    app = app_with(**SECURE, DEV_SERVER_PLAIN_COOKIES=setting)
    cookies = _login_cookies(app, base_url, server_software)
    assert len(cookies) == 2 and all("Secure" in c for c in cookies), cookies


def test_the_development_server_over_http_drops_secure(app_with):
    app = app_with(**SECURE)
    cookies = _login_cookies(app, "http://192.168.1.20:5000", "Werkzeug/3.1.9")
    assert len(cookies) == 2 and not any("Secure" in c for c in cookies), cookies
