"""The import rule (docs/architecture.md): domains stand on floors and import only downwards.

Read from the source with `ast`, no app needed. A domain is a package of `participa/`; the
modules at the top of the package (`factory`, `web`, `cli`) wire everything and stand above
all of them, `extensions` and `config` below all of them. The package's own `__init__`
imports nothing, so that the pure counting core runs without the web app.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "participa"

# Bottom to top. A domain may import its own floor's neighbours only where listed below.
FLOORS = (
    ("tally",),  # pure counting: imports nothing of the app
    ("core",),  # shared pieces: no domain
    ("audit",),
    ("territory",),
    ("auth",),
    ("notifications",),
    ("processes",),  # processes and the component seam: no mechanism
    ("receipts",),
    ("eligibility",),
    ("moderation",),
    ("comments",),
    ("consultations",),
    ("budgets",),
    ("aggregates",),
    ("proposals",),
    ("events",),
    ("council",),
    ("works",),
    ("administration",),  # meetings with the mayor and directors, commitments, the FAIS file
    ("oversight",),
    ("collaboration",),
    ("social_councils",),  # consejos sociales: their pledges are collaboration's pledges
    ("accountability",),
    ("residents",),  # what residents hear and took part in: reads the mechanisms above
    ("tables",),  # the in-person channel of consultations and budgets
    ("results",),  # reads every mechanism
    ("officeplan",),  # the office's own year: links to sessions, events, works and processes
    ("site", "admin", "background", "search"),  # search reads every public kind
    ("demo",),
)
# The mechanisms of the plan: what processes/ and everything below it must never import.
MECHANISMS = frozenset(
    {"consultations", "budgets", "proposals", "events", "oversight", "collaboration", "works"}
)
# Imports that run up a floor on purpose, each with its reason. At most eight (issue #13).
ALLOWED_UPWARD = {
    ("budgets", "aggregates"): "PB counting reads the maintained tallies, which fold PB votes",
}
ROOT_MODULES_BELOW = {"extensions", "config"}
ROOT_MODULES_ABOVE = {"__init__", "factory", "web", "cli"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[tuple[str, bool]]:
    """Each `participa` module `path` imports, and whether the import is inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def visit(node, nested: bool):
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((alias.name, inner) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                found.extend((f"{base}.{alias.name}", inner) for alias in child.names)
                found.append((base, inner))
            visit(child, inner)

    visit(tree, False)
    return [(name, nested) for name, nested in found if name.split(".")[0] == "participa"]


def domain_of(module: str) -> str | None:
    """The domain (package of participa/) a dotted name belongs to, or None for the root."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else None


def root_module(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def floor_of(domain: str) -> int:
    for number, floor in enumerate(FLOORS):
        if domain in floor:
            return number
    raise AssertionError(f"participa/{domain}/ stands on no floor: add it to FLOORS")


def sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def domain_edges() -> dict[tuple[str, str], set[str]]:
    """(importer, imported) domain pairs with the files that make them."""
    edges: dict[tuple[str, str], set[str]] = {}
    for path in sources():
        source = domain_of(module_name(path))
        if source is None:
            continue
        for name, _nested in imported_modules(path):
            target = domain_of(name)
            if target is None and root_module(name) in ROOT_MODULES_ABOVE:
                edges.setdefault((source, "<root>"), set()).add(str(path))
            if target is not None and target != source:
                edges.setdefault((source, target), set()).add(str(path))
    return edges


def upward(edges, floors_of) -> dict[tuple[str, str], set[str]]:
    """The pairs whose importer stands below what it imports."""
    return {
        pair: files
        for pair, files in edges.items()
        if pair[1] == "<root>" or floors_of(pair[0]) < floors_of(pair[1])
    }


def module_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return groups


def module_graph() -> dict[str, set[str]]:
    modules = {module_name(p) for p in sources()}
    graph = {}
    for path in sources():
        name = module_name(path)
        targets = {m for m, _nested in imported_modules(path) if m in modules and m != name}
        # `participa.x` is also imported when `participa.x.y` is: a package's face is no edge.
        graph[name] = {t for t in targets if not name.startswith(t + ".")}
    return graph


# --- the rule, on the code ------------------------------------------------------------


def test_every_domain_stands_on_a_floor():
    for package in sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")):
        if package != "translations":
            floor_of(package)


def test_domains_import_only_downwards():
    found = upward(domain_edges(), floor_of)
    unexpected = {
        pair: sorted(files) for pair, files in found.items() if pair not in ALLOWED_UPWARD
    }
    assert not unexpected, f"imports that run up a floor (docs/architecture.md): {unexpected}"
    assert len(ALLOWED_UPWARD) <= 8


def test_allowed_exceptions_are_still_needed():
    found = upward(domain_edges(), floor_of)
    assert set(ALLOWED_UPWARD) <= set(found), "an allowed exception is gone: remove it"


def test_processes_and_lower_floors_import_no_mechanism():
    processes = floor_of("processes")
    for (source, target), files in domain_edges().items():
        if target in MECHANISMS and target != "<root>" and floor_of(source) <= processes:
            pytest.fail(f"{source} imports the mechanism {target}: {sorted(files)}")


def test_no_import_circles():
    assert module_cycles(module_graph()) == []


def test_no_function_level_imports_of_the_app():
    nested = [
        f"{path.relative_to(PACKAGE.parent)}: {name}"
        for path in sources()
        for name, inner in imported_modules(path)
        if inner
    ]
    assert nested == [], "import at the top of the module (a late import hides a cycle)"


def test_the_factory_imports_every_hooks_module():
    from participa.factory import HOOKS

    registered = {hooks.__name__ for hooks in HOOKS}
    on_disk = {module_name(p) for p in PACKAGE.glob("*/hooks.py")}
    assert registered == on_disk


def test_the_package_root_imports_nothing_of_the_app():
    # participa/__init__.py runs before any participa.x: importing the app there would put
    # Flask under `python -m participa.tally`. It only names the factory's exports.
    assert imported_modules(PACKAGE / "__init__.py") == []


# --- the checks themselves can fail ---------------------------------------------------


def test_an_upward_import_is_reported():
    floors = {"core": 0, "processes": 1, "budgets": 2}.__getitem__
    edges = {("processes", "core"): {"a"}, ("processes", "budgets"): {"b"}}
    assert upward(edges, floors) == {("processes", "budgets"): {"b"}}


def test_a_circle_is_reported():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert module_cycles(graph) == [["a", "b", "c"]]


def test_function_level_and_relative_imports_are_read(tmp_path, monkeypatch):
    package = tmp_path / "participa"
    (package / "budgets").mkdir(parents=True)
    source = package / "budgets" / "views.py"
    source.write_text(
        "from .models import Ballot\ndef view():\n    from participa.results import charts\n"
    )
    monkeypatch.setattr(f"{__name__}.PACKAGE", package)
    assert imported_modules(source) == [
        ("participa.budgets.models.Ballot", False),
        ("participa.budgets.models", False),
        ("participa.results.charts", True),
        ("participa.results", True),
    ]


def test_no_private_name_is_taken_from_another_module():
    private = [
        f"{path.relative_to(PACKAGE.parent)}: {name}"
        for path in sources()
        for name, _inner in imported_modules(path)
        if name.rpartition(".")[2].startswith("_") and not name.endswith("__init__")
    ]
    assert private == [], "a private name used elsewhere is public: rename it or move it down"
