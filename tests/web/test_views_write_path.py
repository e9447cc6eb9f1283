"""The back-office modules of engineer D's package (issue 11) take the one write path: no
commit or rollback in the view (``submit`` / ``transaction.run`` do it), and no import from the
rule modules that hold checks (enums come from ``portal.rules.enums`` or the service)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = (
    "admin/calendar.py",
    "admin/archive.py",
    "admin/catalogs.py",
    "admin/forms_catalog.py",
    "admin/supervision.py",
    "admin/statistics.py",
    "admin/dashboard.py",
    "admin/auth.py",
)
FORBIDDEN = {
    f"portal.rules.{name}"
    for name in (
        "gates",
        "deadlines",
        "transitions",
        "records",
        "catalog",
        "experts",
        "hearings",
        "evaluation",
        "supervision",
        "consultation",
    )
}


def _tree(module: str) -> ast.Module:
    return ast.parse((ROOT / module).read_text(encoding="utf-8"))


@pytest.mark.parametrize("module", MODULES)
def test_the_view_imports_no_rule_module(module):
    bad = []
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            bad += sorted(names & FORBIDDEN)
        elif isinstance(node, ast.Import):
            bad += [a.name for a in node.names if a.name in FORBIDDEN]
    assert bad == [], f"{module} imports {bad}"


@pytest.mark.parametrize("module", MODULES)
def test_the_view_never_commits_or_rolls_back_itself(module):
    calls = [
        ast.unparse(node.func)
        for node in ast.walk(_tree(module))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("commit", "rollback")
    ]
    assert calls == [], f"{module} calls {calls}"
