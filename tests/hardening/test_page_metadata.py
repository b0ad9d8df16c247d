"""Every public page says what it is to search engines and link previews: a meta description.

Lighthouse's SEO audit takes points from a page without one. The routes come from the URL
map, their arguments from the demo world (tests/hardening/world.py); every GET that answers
an anonymous visitor with an HTML page is read.
"""

from html.parser import HTMLParser

import pytest

from tests.hardening.world import url_values


class Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.descriptions: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name") == "description":
            self.descriptions.append((attrs.get("content") or "").strip())


def description(html: str) -> list[str]:
    parser = Meta()
    parser.feed(html)
    return parser.descriptions


def public_pages(world) -> dict[str, str]:
    """Endpoint -> body of every GET route that shows an anonymous visitor an HTML page."""
    pages = {}
    secret = world.app.config["SECRET_KEY"]
    for rule in world.app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        _, path = rule.build(url_values(rule, world.world.ids, world.world.users, secret))
        with world.client(None).get(path) as response:
            if response.status_code == 200 and response.mimetype == "text/html":
                pages[rule.endpoint] = response.get_data(as_text=True)
        world.written()  # puts the world back if the page wrote anything
    return pages


@pytest.fixture
def pages(world) -> dict[str, str]:
    return public_pages(world)


def test_every_public_page_has_one_meta_description(pages):
    assert {"site.home", "processes.index", "works_public.public_list"} <= set(pages)
    found = {endpoint: description(html) for endpoint, html in pages.items()}
    wrong = {endpoint: meta for endpoint, meta in found.items() if len(meta) != 1 or not meta[0]}
    assert wrong == {}, "pages without exactly one non-empty meta description"


def test_main_pages_describe_themselves(pages, world):
    default = description(pages["site.privacy"])[0]
    assert world.app.config["MUNICIPALITY_NAME"] in default
    own = [
        "site.home",
        "processes.index",
        "processes.detail",
        "results.public",
        "pb_projects.index",
        "works_public.public_list",
        "council_public.public_index",
        "guides.mechanisms",
    ]
    same = [endpoint for endpoint in own if description(pages[endpoint])[0] == default]
    assert same == [], "these pages show the site's default description"
