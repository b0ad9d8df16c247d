"""Tests make a fresh app for almost every test: build each route's URL builder once.

Werkzeug compiles two URL builders for every route when an app registers it, by generating
and compiling Python source (`Rule._compile_builder`); with some 300 routes that was most of
`create_app`'s time (0.8 s of 0.9 s on this machine under load), paid again by each of the
suite's ~2,500 apps. A builder is a pure function of the rule's text, its parsed parts, its
defaults and `append_unknown` (the rule itself is an argument at call time), so one built
for an identical rule of an earlier app serves. Production builds one app per process and
is not changed. tests/test_fastapps.py checks the cached builders against fresh ones.
"""

from werkzeug.routing.rules import Rule

_compile = Rule._compile_builder
_builders: dict = {}


def _key(rule: Rule, append_unknown: bool) -> tuple:
    defaults = sorted((rule.defaults or {}).items(), key=repr)
    return rule.rule, tuple(rule._trace), repr(defaults), append_unknown


def _cached_builder(self: Rule, append_unknown: bool = True):
    key = _key(self, append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile(self, append_unknown)
    return builder


def install() -> None:
    Rule._compile_builder = _cached_builder


def fresh_builder(rule: Rule, append_unknown: bool):
    """The builder Werkzeug compiles for `rule`, bypassing the cache."""
    return _compile(rule, append_unknown)
