"""Spanish wording the office asked for: "correo electrónico" (never a bare "correo" or
"e-mail"), and "Todas" in the filters of feminine nouns (colonias, categorías, boletas); the
pages are read in tests/hardening/test_rendered_pages.py."""

import re

from babel.messages.pofile import read_po

from tests.test_i18n import PO_PATH

BARE_CORREO = re.compile(r"\bcorreos?\b(?! electr[oó]nicos?)(?! no deseado)", re.IGNORECASE)
ENGLISH_MAIL = re.compile(r"\be-?mails?\b", re.IGNORECASE)


def _translations():
    with PO_PATH.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        yield message, " ".join(s or "" for s in strings)


def test_mail_is_always_correo_electronico():
    bad = [
        text for _, text in _translations() if BARE_CORREO.search(text) or ENGLISH_MAIL.search(text)
    ]
    assert not bad


def test_the_feminine_all_is_todas():
    found = {m.context: text for m, text in _translations() if m.id == "All"}
    assert found == {None: "Todos", "feminine": "Todas"}
