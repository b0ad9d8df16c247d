"""Residents' text with simple formatting: a small Markdown subset, rendered and sanitised.

People write paragraphs, **bold**, *italics*, lists and links; nothing else is interpreted.
Raw HTML in the text is shown as text (markdown-it's `html` option is off) and the rendered
HTML goes through nh3's allow-list anyway, so a script can never reach a page. Store the text
as written; render it with the `richtext` template filter when it is shown.
"""

import html

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("zero", {"breaks": True}).enable(
    ["emphasis", "list", "link", "newline", "blockquote"]
)
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render(text: str | None) -> Markup:
    """Safe HTML for a text written with simple formatting."""
    clean = nh3.clean(
        _markdown.render(text or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 - nh3 has just removed everything outside the allow-list


def plain(text: str | None, limit: int = 200) -> str:
    """The text without formatting, cut at a word boundary: for cards and summaries.

    It is plain text, not HTML: templates escape it like any other value.
    """
    words = html.unescape(nh3.clean(_markdown.render(text or ""), tags=set())).split()
    out = " ".join(words)
    if len(out) <= limit:
        return out
    return out[:limit].rsplit(" ", 1)[0] + "…"
