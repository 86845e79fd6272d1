"""Layering: imports point down only (README, "How it is built"), no import cycles, Qt only in lpt_desktop/gui.

Every import statement of every module counts, at any depth (functions, try, if), and so do
importlib.import_module("...") calls; only imports under `if TYPE_CHECKING:` are left out (they are
never run). The rooms and what each may import are in ALLOWED; a module in a room not listed there fails
the test until the table (and the README) says where it sits.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import lpt_desktop

PACKAGE = Path(lpt_desktop.__file__).resolve().parent
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")

# Room -> the other rooms its modules may import at run time (any module of a room may import its own room).
# "top" is lpt_desktop/__init__.py (the version); paths.py and logs.py are rooms of their own.
BELOW_SERVICES = {"practice", "assessment", "standards", "reports", "sync", "store", "domain", "paths", "logs"}
ALLOWED: dict[str, set[str]] = {
    "top": set(),
    "paths": {"top"},
    "logs": {"paths"},
    "domain": {"paths"},  # pure: codes, reference data (read from resources/), validation, value types
    "store": {"domain", "paths"},
    "standards": {"domain", "paths"},  # pure
    "assessment": {"domain", "paths"},  # pure: tiering, RoSH triggers, needs, plan checks, the case audit
    "reports": {"domain", "paths"},  # pure: data in, PDF bytes out
    "practice": {"assessment", "standards", "domain", "paths"},  # pure: the case audit and workload (issue 21)
    "sync": {"store", "domain", "paths"},
    "services": BELOW_SERVICES,
    "cli": {"services", "top", *BELOW_SERVICES},  # beside gui, on top of services
    # The server: the sync protocol and kinds registry (which names the store's models) and the pure countersignature
    # rules it enforces (assessment), nothing else of the desktop.
    "central": {"sync", "assessment", "domain", "paths", "logs"},
    # gui may not import the store at run time either: test_the_gui_seam checks that with its own message, so
    # the table leaves gui -> store edges to it.
    "gui": {"services", "top", *(BELOW_SERVICES - {"store"})},
}
SEAM_RULE = ("gui", "store")


# -- the walk -------------------------------------------------------------------------------------
def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
            skip.difference_update(id(n) for s in node.orelse for n in ast.walk(s))  # the else branch runs
    return skip


def _imports(path: Path, include_type_checking: bool = False) -> list[str]:
    """Every module name an import in this file names (`from a import b` gives a.b and a), at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = set() if include_type_checking else _type_checking_nodes(tree)
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: list[str] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ([module] if module else []))
            found.append(module)
            found.extend(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            found.append(str(node.args[0].value))
    return found


def _files(under: str = "", include_gui: bool = True) -> list[Path]:
    root = PACKAGE / under if under else PACKAGE
    return sorted(p for p in root.rglob("*.py")
                  if include_gui or "gui" not in p.relative_to(PACKAGE).parts[:1])


def _room(module: str) -> str:
    parts = module.split(".")
    return "top" if len(parts) == 1 else parts[1]


def _graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports at run time (a name resolved to the longest module it is in)."""
    modules = {_module_name(p): p for p in _files()}

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {m: set() for m in modules}
    for m, path in modules.items():
        for name in _imports(path):
            if name.split(".")[0] != PACKAGE.name:
                continue
            target = resolve(name)
            # A module's own packages run before it anyway: importing them is not an edge (as tools/import_cycles).
            if target and target != m and not m.startswith(target + "."):
                edges[m].add(target)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(out)


def _violations(edges: dict[str, set[str]]) -> list[str]:
    bad = []
    for m, targets in sorted(edges.items()):
        room = _room(m)
        if room not in ALLOWED:
            bad.append(f"{m}: room '{room}' is not in the layering table (add it to ALLOWED and the README)")
            continue
        for t in sorted(targets):
            to = _room(t)
            if to != room and to not in ALLOWED[room] and (room, to) != SEAM_RULE:
                bad.append(f"{m} imports {t} ({room} -> {to})")
    return bad


def _is_gui(module: str) -> bool:
    return _room(module) == "gui"


# -- the rules --------------------------------------------------------------------------------------
def test_the_walk_sees_every_room():
    rooms = {_room(m) for m in _graph()}
    assert set(ALLOWED) <= rooms, set(ALLOWED) - rooms
    rel = {str(p.relative_to(PACKAGE)) for p in _files()}
    assert {"cli/__init__.py", "paths.py", "store/database.py", "services/caseload.py", "domain/validation.py",
            "gui/main_window.py"} <= rel


def test_imports_point_down_only():
    """The README's table: each room imports only the rooms below it (gui -> store is test_the_gui_seam's)."""
    assert _violations(_graph()) == []


def test_no_import_cycles_outside_the_gui():
    cycles = [c for c in _cycles(_graph()) if not all(_is_gui(m) for m in c)]
    assert cycles == []


def test_the_gui_seam():
    """The gui reaches the store only through services (store types under TYPE_CHECKING are fine), and the gui's
    own modules import no cycle."""
    edges = _graph()
    store_imports = sorted(f"{m} imports {t}" for m, targets in edges.items() if _is_gui(m)
                           for t in targets if _room(t) == "store")
    gui_cycles = [c for c in _cycles(edges) if all(_is_gui(m) for m in c)]
    assert (store_imports, gui_cycles) == ([], [])


def test_nothing_outside_gui_imports_qt():
    assert _offenders(_files(include_gui=False), QT_MODULES) == []


def _offenders(files: list[Path], forbidden: tuple[str, ...], include_type_checking: bool = True) -> list[str]:
    bad = []
    for path in files:
        for module in _imports(path, include_type_checking):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
    return bad


def test_domain_standards_and_reports_use_no_database():
    for room in ("domain", "standards", "reports"):
        assert _offenders(_files(room), ("sqlalchemy", "sqlcipher3")) == [], room


# -- the checks check ------------------------------------------------------------------------------
def _fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> None:
    for rel, source in files.items():
        path = tmp_path / "lpt_desktop" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    for package in {p.parent for p in (tmp_path / "lpt_desktop").rglob("*.py")}:
        (package / "__init__.py").touch()
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "lpt_desktop")


@pytest.mark.parametrize(
    "source",
    [
        "import PySide6",
        "from PySide6.QtCore import QObject",
        "import shiboken6 as sb",
        "def f():\n    from PySide6 import QtWidgets\n",
        "try:\n    import PySide6.QtGui\nexcept ImportError:\n    pass\n",
        "import importlib\nimportlib.import_module('PySide6.QtWidgets')\n",
    ],
)
def test_the_check_catches_qt_imports(tmp_path, monkeypatch, source):
    """The walker must see imports at any depth, or the layering tests could pass vacuously."""
    _fake(tmp_path, monkeypatch, {"services/sneaky.py": source})
    assert _offenders(_files(include_gui=False), QT_MODULES) != []


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("from lpt_desktop.services import caseload\n", True),
        ("def f():\n    from lpt_desktop.services.caseload import load_caseload\n", True),
        ("from ..services import caseload\n", True),
        ("import importlib\nimportlib.import_module('lpt_desktop.services.caseload')\n", True),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from lpt_desktop.services import caseload\n", False),
        ("import typing\nif typing.TYPE_CHECKING:\n    pass\nelse:\n    from lpt_desktop.services import caseload\n",
         True),
        ("from lpt_desktop.domain import dates\n", False),
    ],
)
def test_the_table_catches_an_upward_import(tmp_path, monkeypatch, source, caught):
    _fake(tmp_path, monkeypatch, {"store/x.py": source, "services/caseload.py": "", "domain/dates.py": ""})
    assert bool(_violations(_graph())) == caught


def test_an_unknown_room_fails(tmp_path, monkeypatch):
    _fake(tmp_path, monkeypatch, {"attic/x.py": "", "domain/dates.py": ""})
    assert _violations(_graph()) == ["lpt_desktop.attic: room 'attic' is not in the layering table "
                                     "(add it to ALLOWED and the README)",
                                     "lpt_desktop.attic.x: room 'attic' is not in the layering table "
                                     "(add it to ALLOWED and the README)"]


def test_the_cycle_check_catches_a_function_level_cycle(tmp_path, monkeypatch):
    _fake(tmp_path, monkeypatch, {
        "store/a.py": "from lpt_desktop.store import b\n",
        "store/b.py": "def f():\n    from lpt_desktop.store.c import g\n",
        "store/c.py": "import lpt_desktop.store.a\n",
        "store/d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from lpt_desktop.store import a\n",
    })
    assert _cycles(_graph()) == [["lpt_desktop.store.a", "lpt_desktop.store.b", "lpt_desktop.store.c"]]


def test_importing_the_core_does_not_load_qt():
    """Belt and braces: a fresh interpreter importing every core module ends with no Qt loaded."""
    modules = [_module_name(p) for p in _files(include_gui=False) if p.name != "__main__.py"]
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + (
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]\nprint(bad)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
