"""The URL builders tests share between apps (tests/fastapps.py) are the ones Werkzeug builds."""

from flask import url_for

from tests.fastapps import fresh_builder


def _same_code(a, b) -> bool:
    one, two = a.__code__, b.__code__
    return (one.co_code, one.co_consts, one.co_names, one.co_varnames, a.__defaults__) == (
        two.co_code,
        two.co_consts,
        two.co_names,
        two.co_varnames,
        b.__defaults__,
    )


def test_every_route_s_cached_builders_are_werkzeug_s(app):
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 100
    for rule in rules:
        for append_unknown, bound in ((False, rule._build), (True, rule._build_unknown)):
            assert _same_code(bound.__func__, fresh_builder(rule, append_unknown)), rule.rule


def test_cached_builders_build_the_urls(app):
    with app.test_request_context():
        assert url_for("proposals.detail", process_id=3, proposal_id=7) == (
            "/procesos/3/propuestas/7"
        )
        assert url_for("proposals.index", process_id=3, q="semáforo") == (
            "/procesos/3/propuestas/?q=sem%C3%A1foro"
        )
