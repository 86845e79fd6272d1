"""Layering: only lpt_desktop/gui may import Qt; domain is the bottom layer; store never uses services."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import lpt_desktop

PACKAGE = Path(lpt_desktop.__file__).resolve().parent
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")


def _modules_of(path: Path) -> list[str]:
    """Every module an import statement in this file names, at any depth (functions, try, if)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = ".".join(path.relative_to(PACKAGE.parent).parts[:-1])
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append(module)
            found.extend(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            found.append(str(node.args[0].value))
    return found


def _files(under: str = "") -> list[Path]:
    root = PACKAGE / under if under else PACKAGE
    return sorted(p for p in root.rglob("*.py") if "gui" not in p.relative_to(PACKAGE).parts[:1])


def _offenders(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in files:
        for module in _modules_of(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
    return bad


def test_the_walk_sees_the_core_packages():
    rel = {str(p.relative_to(PACKAGE)) for p in _files()}
    assert {"cli.py", "paths.py", "store/database.py", "services/caseload.py", "domain/validation.py"} <= rel
    assert not any(r.startswith("gui") for r in rel)


def test_nothing_outside_gui_imports_qt():
    assert _offenders(_files(), QT_MODULES) == []


def test_domain_is_the_bottom_layer():
    assert _offenders(_files("domain"), ("lpt_desktop.store", "lpt_desktop.services", "lpt_desktop.gui",
                                         "sqlalchemy", "sqlcipher3")) == []


def test_store_does_not_use_services_or_gui():
    assert _offenders(_files("store"), ("lpt_desktop.services", "lpt_desktop.gui")) == []


def test_services_do_not_use_the_gui():
    assert _offenders(_files("services"), ("lpt_desktop.gui",)) == []


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
    fake = tmp_path / "lpt_desktop" / "services"
    fake.mkdir(parents=True)
    (fake / "sneaky.py").write_text(source, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "lpt_desktop")
    assert _offenders(_files(), QT_MODULES) != []


def test_relative_imports_are_resolved(tmp_path, monkeypatch):
    pkg = tmp_path / "lpt_desktop" / "store"
    pkg.mkdir(parents=True)
    (pkg / "x.py").write_text("from ..services import caseload\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "lpt_desktop")
    assert _offenders(_files("store"), ("lpt_desktop.services",)) == [
        "lpt_desktop/store/x.py imports lpt_desktop.services",
        "lpt_desktop/store/x.py imports lpt_desktop.services.caseload",
    ]


def test_importing_the_core_does_not_load_qt():
    """Belt and braces: a fresh interpreter importing every core module ends with no Qt loaded."""
    modules = [".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts) for p in _files()]
    modules = [m.removesuffix(".__init__") for m in modules]
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + (
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]\nprint(bad)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
