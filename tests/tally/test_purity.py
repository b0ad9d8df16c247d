"""Check that participa.tally stays a pure core: standard library (and numpy) only."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

TALLY_DIR = Path(__file__).resolve().parents[2] / "participa" / "tally"
TALLY_FILES = sorted(TALLY_DIR.rglob("*.py"))
FORBIDDEN = ("flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug")
# numpy only speeds up counting (participatory budgeting); it holds no web or database code.
ALLOWED_THIRD_PARTY = ("numpy",)

# Runs in a fresh interpreter. A bare 'participa' module with only __path__
# set stands in for the package, so participa/__init__.py (which may pull in
# Flask) never runs and cannot mask or cause a leak.
_PROBE = """
import importlib, json, sys, types
package_dir, names = sys.argv[1], sys.argv[2:]
stub = types.ModuleType("participa")
stub.__path__ = [package_dir]
sys.modules["participa"] = stub
for name in names:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def _module_name(path: Path) -> str:
    """Return the dotted name of a file in participa/tally or its subpackages."""
    parts = path.relative_to(TALLY_DIR).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("participa", "tally", *parts))


def _outside_imports(source: str, module: str, is_package: bool = False) -> list[str]:
    """Return the imports in source that are neither stdlib nor participa.tally."""
    is_package = is_package or module == "participa.tally"
    package = module if is_package else module.rpartition(".")[0]
    bad = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            # Resolve relative imports against the module's own package.
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1])
            targets = [f"{base}.{node.module}" if node.module else base]
        elif isinstance(node, ast.ImportFrom):
            targets = [node.module or ""]
        else:
            continue
        for target in targets:
            top = target.partition(".")[0]
            inside = target == "participa.tally" or target.startswith("participa.tally.")
            allowed = top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY
            if not inside and not allowed:
                bad.append(target)
    return bad


def test_tally_package_has_the_expected_modules():
    assert {str(p.relative_to(TALLY_DIR)) for p in TALLY_FILES} >= {
        "__init__.py",
        "consultation.py",
        "participation.py",
        "pb/greedy.py",
        "pb/mes.py",
    }


def test_importing_tally_loads_no_web_or_database_library():
    names = [_module_name(p) for p in TALLY_FILES]
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(TALLY_DIR.parent), *names],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert set(names) <= set(loaded)
    leaked = sorted(m for m in loaded if m.partition(".")[0] in FORBIDDEN)
    assert leaked == []


@pytest.mark.parametrize("path", TALLY_FILES, ids=lambda p: p.name)
def test_tally_module_imports_only_stdlib_and_tally(path):
    source = path.read_text(encoding="utf-8")
    assert _outside_imports(source, _module_name(path), path.name == "__init__.py") == []


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        pytest.param("import fractions", "participa.tally.x", [], id="stdlib"),
        pytest.param(
            "from collections.abc import Mapping",
            "participa.tally.x",
            [],
            id="stdlib-submodule",
        ),
        pytest.param(
            "from participa.tally.consultation import borda",
            "participa.tally",
            [],
            id="tally-absolute",
        ),
        pytest.param("from . import consultation", "participa.tally.x", [], id="tally-relative"),
        pytest.param("import numpy as np", "participa.tally.x", [], id="numpy"),
        pytest.param("import flask", "participa.tally.x", ["flask"], id="flask"),
        pytest.param(
            "def f():\n    from sqlalchemy import select\n",
            "participa.tally.x",
            ["sqlalchemy"],
            id="nested-sqlalchemy",
        ),
        pytest.param(
            "from participa.models import Vote",
            "participa.tally.x",
            ["participa.models"],
            id="project-module",
        ),
        pytest.param(
            "from ..models import Vote",
            "participa.tally.x",
            ["participa.models"],
            id="relative-escape",
        ),
        pytest.param(
            "from .. import db",
            "participa.tally",
            ["participa"],
            id="relative-escape-from-init",
        ),
    ],
)
def test_outside_imports_detector(source, module, expected):
    assert _outside_imports(source, module) == expected
