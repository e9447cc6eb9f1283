"""The one write path (architecture.md): views parse input, call a named service and commit
through the shared helper; services are the only writers of stage records; views hold no rule."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEW_MODULES = sorted(
    p
    for folder in ("admin", "portal/public", "portal/api")
    for p in (ROOT / folder).glob("*.py")
    if not p.name.startswith("forms")
)
# Rule modules that hold checks; views may use names from portal.rules.enums / stages / errors.
RULE_CHECK_MODULES = {
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
}


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out.extend((a.name, []) for a in node.names)
    return out


def test_there_are_view_modules_to_check():
    names = {p.name for p in VIEW_MODULES}
    assert {"stages_early.py", "stages_late.py", "opinions.py", "decisions.py"} <= names


def test_no_view_module_imports_a_rule_module_that_holds_checks():
    offenders = []
    for path in VIEW_MODULES:
        for module, names in _imports(path):
            if module.startswith("portal.rules."):
                leaf = module.split(".")[2]
                if leaf in RULE_CHECK_MODULES:
                    offenders.append(f"{path.relative_to(ROOT)}: from {module} import {names}")
            elif module == "portal.rules":
                bad = sorted(set(names) & RULE_CHECK_MODULES)
                if bad:
                    offenders.append(f"{path.relative_to(ROOT)}: from portal.rules import {bad}")
    assert offenders == []


def test_no_view_module_commits_rolls_back_or_writes_records_itself():
    pattern = re.compile(
        r"db\.session\.(commit|rollback|add|add_all|delete|flush)\(|\bupdate_record\(|"
        r"\bdelete_record\("
    )
    offenders = []
    for path in VIEW_MODULES:
        if path.name == "_helpers.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_shared_helper_commits_only_through_the_transaction_module():
    helper = (ROOT / "admin" / "_helpers.py").read_text(encoding="utf-8")
    assert "db.session.commit(" not in helper and "transaction.run(" in helper


def test_lock_checks_are_switched_off_only_by_the_demo_loaders():
    users = []
    for path in ROOT.glob("portal/**/*.py"):
        if "seeding()" in path.read_text(encoding="utf-8"):
            users.append(path.relative_to(ROOT).as_posix())
    assert users and all(
        u == "portal/services/records.py" or re.fullmatch(r"portal/demo(_\w+)?\.py", u)
        for u in users
    ), users
    for path in ("admin", "portal/public", "portal/api", "portal/services"):
        for p in (ROOT / path).glob("*.py"):
            if p.name != "records.py":
                assert "seeding(" not in p.read_text(encoding="utf-8"), p


def test_there_is_one_refusal_type():
    for path in ROOT.glob("portal/**/*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                # BadQuery is a malformed read query (400), not a refusal of a change
                if bases & {"Exception", "ValueError"} and node.name not in {
                    "RuleViolation",
                    "BadQuery",
                }:
                    raise AssertionError(f"{path}: {node.name} is another refusal type")
