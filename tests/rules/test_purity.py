"""portal/rules is pure: stdlib + chinese_calendar only (architecture.md, "The rings")."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import portal.rules

RULES_DIR = Path(portal.rules.__file__).resolve().parent
PROJECT_ROOT = RULES_DIR.parent.parent
FORBIDDEN = ("flask", "sqlalchemy", "wtforms", "whoosh", "flask_sqlalchemy", "flask_babel")
ALLOWED_THIRD_PARTY = {"chinese_calendar"}


def _modules() -> list[str]:
    return sorted(
        "portal.rules" + ("" if p.stem == "__init__" else "." + p.stem)
        for p in RULES_DIR.glob("*.py")
    )


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_rules_modules_import_only_stdlib_chinese_calendar_and_portal_rules():
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    for path in RULES_DIR.glob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "portal":
                assert name == "portal.rules" or name.startswith("portal.rules."), (path, name)
            else:
                assert top in stdlib or top in ALLOWED_THIRD_PARTY, (path, name)


def test_importing_every_rules_module_loads_no_web_or_database_library():
    # portal/__init__.py is the Flask app factory; a bare namespace stands in for it so only
    # the rules package's own imports are measured.
    code = (
        "import importlib, json, sys, types\n"
        "pkg = types.ModuleType('portal')\n"
        f"pkg.__path__ = [{str(RULES_DIR.parent)!r}]\n"
        "sys.modules['portal'] = pkg\n"
        f"for m in {_modules()!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(result.stdout)
    bad = [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert bad == []
    portal_outside_rules = [
        m for m in loaded if m.startswith("portal.") and not m.startswith("portal.rules")
    ]
    assert portal_outside_rules == []
    assert "portal.rules.transitions" in loaded


def test_the_purity_check_sees_every_module():
    names = _modules()
    for expected in ("workdays", "deadlines", "gates", "transitions", "facts", "enums"):
        assert f"portal.rules.{expected}" in names
