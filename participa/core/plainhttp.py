"""Cookies without `Secure` under `flask run` over plain HTTP, so a phone on the LAN can log in.

Session and remember-me cookies are `Secure` (SESSION_COOKIE_SECURE, REMEMBER_COOKIE_SECURE):
browsers send them back only over HTTPS, or to `localhost`/`127.0.0.1`. `make run
HOST=0.0.0.0` serves plain HTTP on the LAN, where a phone browsing `http://192.168.x.y:5000`
would drop them and never stay logged in. So on Werkzeug's development server (the one
`flask run` starts; its environ says `SERVER_SOFTWARE: Werkzeug/...`), for a request that came
over plain HTTP, the `Secure` attribute is taken off every cookie of the response.

gunicorn (`make serve`, production) never matches, nor does a request that came over HTTPS
(behind a proxy: once ProxyFix has read X-Forwarded-Proto), nor any server when
DEV_SERVER_PLAIN_COOKIES is False. The server software is named by the server, never by the
client, so a request cannot ask for this.
"""

import re

SECURE_ATTRIBUTE = re.compile(r";\s*Secure(?=;|$)", re.IGNORECASE)


def _development_over_http(environ) -> bool:
    return (
        str(environ.get("SERVER_SOFTWARE", "")).startswith("Werkzeug/")
        and environ.get("wsgi.url_scheme") == "http"
    )


class PlainHttpDevCookies:
    """WSGI middleware: drop `Secure` from Set-Cookie on the development server over HTTP."""

    def __init__(self, wsgi_app, config):
        self.wsgi_app = wsgi_app
        self.config = config

    def __call__(self, environ, start_response):
        if not (self.config.get("DEV_SERVER_PLAIN_COOKIES") and _development_over_http(environ)):
            return self.wsgi_app(environ, start_response)

        def start(status, headers, exc_info=None):
            headers = [
                (name, SECURE_ATTRIBUTE.sub("", value) if name.lower() == "set-cookie" else value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)
