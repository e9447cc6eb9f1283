"""The one write path in the view modules of package e (issue 11): no commit or rollback by hand
(``admin._helpers.submit`` and ``portal.transaction.run`` do it), and no import of the rules
modules that hold checks (views call services; enums come from ``portal.rules.enums`` /
``portal.rules.stages`` or from the services). The lead can widen ``MODULES`` to every view
module once the other packages are merged."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
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
MODULES = [
    "admin/opinions.py",
    "admin/evaluation.py",
    "admin/proposals.py",
    "admin/channels.py",
    "admin/forms_opinions.py",
    *(
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "portal/public").glob("*.py"))
        if p.name != "hearings.py"
    ),
    *(
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "portal/api").glob("*.py"))
        if p.name != "hearings.py"
    ),
]


def _tree(path: str) -> ast.Module:
    return ast.parse((ROOT / path).read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", MODULES)
def test_no_commit_or_rollback_by_hand(path):
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Attribute) and node.attr in ("commit", "rollback"):
            assert not (isinstance(node.value, ast.Attribute) and node.value.attr == "session"), (
                f"{path}:{node.lineno} calls session.{node.attr}"
            )


@pytest.mark.parametrize("path", MODULES)
def test_no_import_of_the_rules_that_hold_checks(path):
    for node in ast.walk(_tree(path)):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            assert name not in FORBIDDEN, f"{path}:{node.lineno} imports {name}"


def test_the_check_sees_the_modules():
    assert "portal/public/opinions.py" in MODULES and "portal/api/opinions.py" in MODULES
    assert len(MODULES) > 20
