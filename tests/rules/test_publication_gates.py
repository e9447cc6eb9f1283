"""Entering publication (issue 11): the state machine checks again the legality review the
decision rests on (PROC-28b/28d), and the report to the People's Congress standing committee
where the matter must be reported before issuance (PROC-8a, Art. 8)."""

from __future__ import annotations

from datetime import date

from portal.rules import gates
from portal.rules import transitions as tr
from portal.rules.enums import LegalityOutcome
from portal.rules.stages import Step
from tests.rules.builders import compliant, facts_before, patch


def _rules(violations) -> list[str]:
    return [v.rule for v in violations]


def _at_publication(**changes):
    """Facts just before the publication step starts (the Party committee report is running)."""
    return patch(facts_before("start", Step.PUBLICATION), **changes)


def test_proc_8a_not_required_does_not_block_publication():
    assert gates.npc_report_violations(compliant()) == []
    assert tr.blocking_reasons(_at_publication(), Step.PUBLICATION) == []


def test_proc_8a_required_blocks_publication_until_the_report_is_recorded():
    facts = _at_publication(publication__npc_report_required=True)
    assert _rules(gates.npc_report_violations(facts)) == ["PROC-8a"]
    assert "PROC-8a" in _rules(tr.blocking_reasons(facts, Step.PUBLICATION))
    only_date = patch(facts, publication__npc_reported_on=date(2026, 5, 2))
    assert "PROC-8a" in _rules(tr.blocking_reasons(only_date, Step.PUBLICATION))
    reported = patch(only_date, publication__npc_report_ref="赤政函〔2026〕7号")
    assert gates.npc_report_violations(reported) == []
    assert tr.blocking_reasons(reported, Step.PUBLICATION) == []


def test_publication_rests_on_an_opinion_that_did_not_find_the_draft_unlawful_proc_28d():
    corrected = _at_publication(legality__outcome=LegalityOutcome.UNLAWFUL)
    assert "PROC-28d" in _rules(gates.publication_entry_violations(corrected))
    assert "PROC-28d" in _rules(tr.blocking_reasons(corrected, Step.PUBLICATION))
    exploratory = patch(
        corrected, is_exploratory_reform=True, legality__legal_risk_statement="明示法律风险"
    )
    assert "PROC-28d" not in _rules(gates.publication_entry_violations(exploratory))


def test_publication_needs_the_legality_opinion_proc_28b():
    no_opinion = _at_publication(legality__opinion_issued_on=None)
    assert "PROC-28b" in _rules(gates.publication_entry_violations(no_opinion))


def test_a_later_draft_version_alone_does_not_block_publication_a11():
    # the final text after an approval in principle is a new version; A11 is the meeting's check
    facts = _at_publication(draft_version=2)
    assert "PROC-28d" in _rules(gates.legality_opinion_violations(facts))
    assert gates.legality_basis_violations(facts) == []
    assert tr.blocking_reasons(facts, Step.PUBLICATION) == []
