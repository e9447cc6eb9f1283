"""The views of the early stages and of the hearing module take the one write path: they import
no statutory rule module (not even its enums) and never commit or roll back themselves
(architecture.md: one write path; issue 11)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VIEWS = (
    "admin/stages_early.py",
    "admin/forms_early.py",
    "admin/decisions.py",
    "admin/hearings.py",
    "admin/forms_hearings.py",
    "portal/public/hearings.py",
    "portal/api/hearings.py",
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


def _imports(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "portal.rules":
                found |= {f"portal.rules.{alias.name}" for alias in node.names}
    return found


@pytest.mark.parametrize("path", VIEWS)
def test_the_view_imports_no_rule_module(path):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    assert _imports(tree) & FORBIDDEN == set(), path


@pytest.mark.parametrize("path", VIEWS)
def test_the_view_never_commits_or_rolls_back(path):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not calls & {"commit", "rollback"}, path


def test_reading_the_screens_writes_nothing(client, demo):
    """No write on GET: every early screen and hearing page of two demo decisions."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.models import AuditEntry, Decision
    from portal.models.hearing import Hearing
    from tests.conftest import login

    def counts():
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }

    before = counts()
    login(client, "undertaker")
    after_login = counts()  # signing in writes its own audit entry
    for title in ("赤峰市中心城区供热专项规划（2026—2035年）", "赤峰市城市公共交通票价调整方案"):
        d = db.session.scalar(sa.select(Decision).where(Decision.title == title))
        for screen in ("initiation", "drafting", "drafts", "participation", "internal-review"):
            assert client.get(f"/admin/decisions/{d.id}/{screen}").status_code == 200
        assert client.get(f"/admin/decisions/{d.id}/hearings").status_code == 200
        for h in db.session.scalars(sa.select(Hearing).where(Hearing.decision_id == d.id)):
            assert client.get(f"/admin/hearings/{h.id}").status_code == 200
            client.get(f"/hearings/{h.id}")
            client.get(f"/api/v1/hearings/{h.id}")
        client.get(f"/decisions/{d.id}")
    db.session.expire_all()
    assert counts() == after_login
    assert before[AuditEntry.__tablename__] <= after_login[AuditEntry.__tablename__]
