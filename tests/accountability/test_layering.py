"""Works, oversight, collaboration and public accountability import one way only.

Bottom to top: proposals < works < oversight < collaboration < accountability. A lower
domain reaches a higher one only through a registry (oversight/registry.py) or a template
global, never by an import, and nothing hides an import inside a function.
"""

import ast
from pathlib import Path

import pytest

import participa

ROOT = Path(participa.__file__).parent
FORBIDDEN = {
    "proposals": {"works", "oversight", "collaboration", "accountability"},
    "works": {"oversight", "collaboration", "accountability"},
    "oversight": {"collaboration", "accountability"},
    "collaboration": {"accountability"},
    "accountability": set(),
}


def imports(package: str):
    """(file, line, imported module, names, at module level) of every participa import."""
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("participa"):
                names = [alias.name for alias in node.names]
                yield path.name, node.lineno, node.module, names, id(node) in top
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("participa"):
                        yield path.name, node.lineno, alias.name, [], id(node) in top


def domains(module: str, names: list[str]) -> set[str]:
    """The domains an import reaches: `participa.x...`, or `from participa import x, y`."""
    return set(names) if module == "participa" else {module.split(".")[1]}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_reaches_up(package):
    upward = [
        f"{package}/{file}:{line} imports {module}"
        for file, line, module, names, _top in imports(package)
        if domains(module, names) & FORBIDDEN[package]
    ]
    assert upward == []


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_every_import_is_at_module_level(package):
    late = [f"{package}/{file}:{line}" for file, line, _m, _n, top in imports(package) if not top]
    assert late == []


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_private_name_crosses_modules(package):
    private = [
        f"{package}/{file}:{line} takes {name} from {module}"
        for file, line, module, names, _top in imports(package)
        for name in names
        if name.startswith("_")
    ]
    assert private == []
