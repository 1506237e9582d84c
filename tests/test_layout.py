"""The house keeps its shape (DESIGN §7, docs/architecture.md): imports point down the layers,
modules and functions stay short enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "passq"
# What each layer may import of passq (besides itself). Data flows cli -> services -> store
# and domain; the domain imports nothing of passq but the errors and the translations.
ALLOWED = {
    "domain": {"domain", "errors", "i18n"},
    "files": {"files", "domain", "errors", "i18n"},
    "store": {"store", "domain", "errors", "i18n"},
    "services": {"services", "store", "domain", "files", "errors", "i18n"},
    "cli": {"cli", "services", "store", "domain", "files", "errors", "i18n", "__init__"},
}
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if path.parent != PACKAGE)


def passq_imports(path: Path) -> set[str]:
    """The passq layers `path` imports, at its top or inside a function."""
    layers = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "passq":
            names = ["passq"]  # `from passq import __version__`: the package's own __init__
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "passq" and len(parts) > 1:
                layers.add(parts[1])
            elif name == "passq":
                layers.add("__init__")
    return layers


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path: Path) -> None:
    layer = path.relative_to(PACKAGE).parts[0]
    wrong = passq_imports(path) - ALLOWED[layer]
    assert not wrong, f"{path.name} ({layer}) imports {sorted(wrong)}: against the layout"


def test_the_layers_are_what_the_layout_says() -> None:
    assert {p.relative_to(PACKAGE).parts[0] for p in modules()} == set(ALLOWED)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_functions_stay_short(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES, f"{path.name}: split it by topic"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{path.name}: {node.name} has {length} lines"
