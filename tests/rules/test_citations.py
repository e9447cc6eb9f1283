"""Every rule ID the code cites exists in rules.md, and refusals cite articles, not defaults.

Mechanical checks over the source (no app): the lead re-runs them after merging every branch.

* every rule ID written anywhere in ``portal/``, ``admin/``, ``search/`` and ``templates/``
  (code, comments, messages, templates) is a rule of ``rules.md``; an article reference without
  a letter (``PART-12``) names an article that has rules;
* every refusal built with a literal rule ID (``RuleViolation("PROC-17b", ...)``, ``_v(...)``)
  cites a rule of rules.md, a default of its section 10 (``A7``: shown as such, it has no
  article), or nothing (``""``);
* refusals that say a step was already started or is not in progress cite the step order's
  rule (issue 11: they used to cite PROC-39a, the archiving rule);
* in the modules listed in ``COMMENTED``, each refusal also cites its rule (or its article) in a
  code comment next to it (architecture.md: rule IDs in comments, messages and tests).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from portal.rules import transitions as tr
from portal.rules.facts import DecisionFacts
from portal.rules.ids import DOCUMENTS, parse
from portal.rules.stages import Step, StepStatus

ROOT = Path(__file__).resolve().parents[2]
RULES_MD = ROOT.parent / "shared" / "spec" / "rules.md"
SOURCES = ("portal", "admin", "search")
PREFIXES = "|".join(DOCUMENTS)
ANY_ID = re.compile(rf"\b(?:{PREFIXES})-[0-9]+[a-z]?\b")
RULE_ID = re.compile(rf"^(?:{PREFIXES})-[0-9]+[a-z]$")
REFUSAL_CALLS = {"RuleViolation", "_v", "violation", "_violation", "input_error"}

# Modules whose every refusal carries its rule ID in a comment too (engineer D's package;
# the lead can widen the list once the other packages follow the same convention).
COMMENTED = (
    "portal/rules/catalog.py",
    "portal/rules/supervision.py",
    "portal/rules/evaluation.py",
    "portal/rules/transitions.py",
    "portal/rules/deadlines.py",
    "portal/services/catalog_workflow.py",
    "portal/services/supervision.py",
    "portal/services/archive.py",
    "portal/services/calendar.py",
    "portal/services/compliance.py",
)


def _rules_md() -> str:
    if not RULES_MD.exists():
        pytest.skip(f"{RULES_MD} is not available")
    return RULES_MD.read_text(encoding="utf-8")


def _known_ids() -> set[str]:
    return set(re.findall(rf"`((?:{PREFIXES})-[0-9]+[a-z])`", _rules_md()))


def _defaults() -> set[str]:
    """The A-defaults of section 10 (``| A7 | ...``)."""
    return set(re.findall(r"^\| (A[0-9]+) \|", _rules_md(), re.M))


def _files(suffixes=(".py",), roots=SOURCES):
    for root in roots:
        for path in sorted((ROOT / root).rglob("*")):
            if path.suffix in suffixes and "__pycache__" not in path.parts:
                yield path


def _refusals(path: Path):
    """(line, rule, call) of every refusal built with a literal rule ID or ""."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = ast.unparse(node.func).rsplit(".", 1)[-1]
        first = node.args[0]
        if (
            name in REFUSAL_CALLS
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
        ):
            yield node.lineno, node.end_lineno, first.value, name


def test_rules_md_parses_into_the_rule_ids_the_tools_count():
    known = _known_ids()
    assert {"PROC-17b", "CAT-12a", "EVAL-6a", "PART-8b", "SUP-7b"} <= known
    assert all(RULE_ID.match(r) for r in known)


def test_every_rule_id_in_the_code_and_templates_exists_in_rules_md():
    known = _known_ids()
    articles = {r.rstrip("abcdefghijklmnopqrstuvwxyz") for r in known}
    unknown = []
    paths = [*_files((".py",)), *_files((".html", ".txt", ".xml"), ("templates",))]
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for found in ANY_ID.findall(line):
                ok = found in known if found[-1].isalpha() else found in articles
                if not ok:
                    unknown.append(f"{path.relative_to(ROOT)}:{n}: {found}")
    assert unknown == [], "rule IDs not in rules.md:\n" + "\n".join(unknown)


def test_every_refusal_cites_a_rule_a_default_or_nothing():
    known = _known_ids() | _defaults()
    assert {"A1", "A7", "A26", "A42"} <= _defaults()
    wrong = []
    for path in _files():
        for line, _end, rule, _name in _refusals(path):
            if rule and rule not in known:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {rule!r}")
    assert wrong == [], "a refusal cites something rules.md does not define:\n" + "\n".join(wrong)


def test_rule_ids_parse_and_cite_their_own_article():
    for rule in sorted(_known_ids()):
        prefix, article, letter = parse(rule)
        assert rule == f"{prefix}-{article}{letter}"
        assert f"Art. {article}" in rule_line(rule), rule


def rule_line(rule: str) -> str:
    for line in _rules_md().splitlines():
        if line.lstrip().startswith(f"- `{rule}`"):
            return line
    raise AssertionError(rule)


@pytest.mark.parametrize("module", COMMENTED)
def test_each_refusal_of_these_modules_cites_its_rule_in_a_comment(module):
    path = ROOT / module
    lines = path.read_text(encoding="utf-8").splitlines()
    missing = []
    for line, end, rule, _name in _refusals(path):
        if not rule:
            continue
        article = re.match(r"[A-Z]+-[0-9]+|A[0-9]+", rule).group(0)
        comments = " ".join(
            text.split("#", 1)[1] for text in lines[max(0, line - 6) : end] if "#" in text
        )
        if not re.search(rf"\b{re.escape(article)}[a-z]?\b", comments):
            missing.append(f"{module}:{line}: {rule}")
    assert missing == [], "refusals without their rule in a comment:\n" + "\n".join(missing)


# -- the step order (issue 11: "not in progress" / "already started" cited PROC-39a) ----------


def _facts(**statuses: StepStatus) -> DecisionFacts:
    return DecisionFacts(steps={Step(k): v for k, v in statuses.items()})


def test_every_step_has_an_order_rule_that_exists_or_none():
    known = _known_ids()
    assert set(tr.STEP_ORDER_RULE) == set(Step)
    for step, rule in tr.STEP_ORDER_RULE.items():
        assert rule == "" or rule in known, step
    assert tr.STEP_ORDER_RULE[Step.LEGALITY_REVIEW] == "PROC-28a"
    assert tr.STEP_ORDER_RULE[Step.COLLECTIVE_DECISION] == "PROC-28b"
    assert tr.STEP_ORDER_RULE[Step.EXPERT_REVIEW] == "PROC-25c"
    assert tr.STEP_ORDER_RULE[Step.INITIATION] == ""  # no article orders it


@pytest.mark.parametrize("step", [s for s in Step if s is not Step.ARCHIVING])
def test_completing_a_step_that_is_not_running_cites_its_order_rule_not_the_archive(step):
    reasons = tr.completion_blocking_reasons(_facts(), step)
    assert [v.rule for v in reasons] == [tr.STEP_ORDER_RULE[step]]
    assert "PROC-39a" not in [v.rule for v in reasons]


@pytest.mark.parametrize(
    "step",
    [Step.LEGALITY_REVIEW, Step.COLLECTIVE_DECISION, Step.PUBLICATION, Step.EXECUTION],
)
def test_starting_a_running_step_again_cites_its_order_rule(step):
    reasons = tr.blocking_reasons(_facts(**{step.value: StepStatus.IN_PROGRESS}), step)
    assert [v.rule for v in reasons] == [tr.STEP_ORDER_RULE[step]]
    assert reasons[0].message == "The %(step)s step has already been started."


def test_the_archiving_step_keeps_the_archiving_rule():
    reasons = tr.blocking_reasons(_facts(archiving=StepStatus.IN_PROGRESS), Step.ARCHIVING)
    assert [v.rule for v in reasons] == ["PROC-39a"]


def test_an_unknown_exit_is_an_input_error_without_a_rule():
    from portal.rules.stages import Stage

    reasons = tr.blocking_reasons(_facts(), Stage.DRAFTING)
    assert [v.rule for v in reasons] == [""]
