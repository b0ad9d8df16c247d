"""Moderation sits below what it moderates: content domains register their kinds with it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from participa.comments.models import Comment
from participa.moderation import registry
from participa.moderation.models import TARGET_COLUMNS
from participa.moderation.registry import Reportable

PACKAGE = Path(__file__).resolve().parents[2] / "participa"
MODERATION = sorted(f"participa.moderation.{p.stem}" for p in (PACKAGE / "moderation").glob("*.py"))
CONTENT = ("proposals", "events", "oversight", "comments")

# Runs in a fresh interpreter with a bare 'participa' package, so participa/__init__.py (which
# imports every domain) cannot hide what moderation's own modules pull in.
_PROBE = """
import importlib, json, sys, types
stub = types.ModuleType("participa")
stub.__path__ = [sys.argv[1]]
sys.modules["participa"] = stub
for name in sys.argv[2:]:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def test_moderation_loads_none_of_the_domains_it_moderates():
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(PACKAGE), *MODERATION],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert set(MODERATION) <= set(loaded)
    domains = {m.split(".")[1] for m in loaded if m.startswith("participa.")}
    assert domains.isdisjoint(CONTENT), sorted(domains)


def test_every_report_column_has_one_registered_kind(app):
    kinds = registry.kinds()
    assert sorted(k.column for k in kinds) == sorted(TARGET_COLUMNS)
    assert registry.by_path("comentarios") is registry.kind_of(Comment(body="x"))
    assert registry.by_path("nada") is None


def test_a_kind_registers_once_and_only_with_a_column_on_report(app):
    comment = registry.by_path("comentarios")
    with pytest.raises(ValueError, match="already registered"):
        registry.register(comment)
    with pytest.raises(ValueError, match="no column"):
        registry.register(
            Reportable("poll", object, "encuestas", "Poll", comment.locate, comment.subject)
        )
    assert len(registry.kinds()) == len(TARGET_COLUMNS)
