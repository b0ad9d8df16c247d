"""Simple formatting: what residents may write, and what never reaches a page."""

import re

import pytest

from participa.core.richtext import plain, render


@pytest.mark.parametrize(
    "text, expected",
    [
        ("**calle** sin *luz*", "<p><strong>calle</strong> sin <em>luz</em></p>"),
        ("- uno\n- dos", "<ul>\n<li>uno</li>\n<li>dos</li>\n</ul>"),
        ("línea\notra", "<p>línea<br>\notra</p>"),
    ],
)
def test_simple_formatting_is_rendered(text, expected):
    assert str(render(text)).strip() == expected


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[pulsa](javascript:alert(1))",
        '<a href="https://e.mx" onclick="alert(1)">x</a>',
        "# <svg onload=alert(1)>",
    ],
)
def test_script_never_survives(text):
    html = str(render(text)).lower()
    assert "<script" not in html and "<svg" not in html and "<img" not in html
    assert not re.search(r"<[a-z]+[^>]*\son\w+=", html)  # no real tag carries a handler
    assert 'href="javascript' not in html  # a bad link stays as text


def test_raw_html_is_shown_as_text():
    assert "&lt;b&gt;hola&lt;/b&gt;" in str(render("<b>hola</b>"))


def test_links_are_marked_nofollow():
    html = str(render("[sitio](https://ejemplo.mx)"))
    assert 'href="https://ejemplo.mx"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_plain_text_summary_cuts_at_a_word():
    assert plain("**Bacheo** de la calle Morelos", limit=20) == "Bacheo de la calle…"
    assert plain("<script>x</script> hola") == "<script>x</script> hola"  # text, escaped later
