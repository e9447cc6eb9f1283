"""The work inbox (portal/services/inbox.py): each role sees its own work with the right counts,
never another government's, and for undertaking staff never another unit's; counts follow the
work as it is done."""

from __future__ import annotations

import sqlalchemy as sa

from portal.demo_opinions import seed_demo_opinions
from portal.extensions import db
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.models.org import Government
from portal.models.proposal import Proposal, ProposalStatus
from portal.models.user import User
from portal.permissions import Role
from portal.rules.consultation import OpinionStatus
from portal.rules.enums import AdoptionStatus
from portal.rules.stages import Step
from portal.services import inbox, moderation
from tests.conftest import NOW

TODAY = NOW.date()


def user(name: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == name))


def box(name: str) -> inbox.Inbox:
    return inbox.inbox(user(name), today=TODAY, now=NOW)


def expected(status: OpinionStatus, *, gov: str = "chifeng", unit_id: int | None = None):
    """The counts per decision straight from the table, for comparison."""
    query = (
        sa.select(Opinion.decision_id, sa.func.count(Opinion.id))
        .join(Decision, Opinion.decision_id == Decision.id)
        .join(Government, Decision.government_id == Government.id)
        .where(Government.slug == gov, Opinion.status == status)
        .group_by(Opinion.decision_id)
    )
    if status is OpinionStatus.PUBLISHED:
        query = query.where(Opinion.adoption == AdoptionStatus.PENDING)
    if unit_id is not None:
        query = query.where(Decision.undertaking_unit_id == unit_id)
    return {int(d): int(n) for d, n in db.session.execute(query).all()}


def per_decision(items) -> dict[int, int]:
    return {i.decision.id: i.count for i in items}


def test_a_moderator_sees_the_opinions_awaiting_moderation_of_their_government_only(demo):
    seed_demo_opinions(NOW)
    mine = box("moderator")
    assert [s.role for s in mine.sections] == [Role.MODERATOR]
    items = mine.items("moderate")
    assert per_decision(items) == expected(OpinionStatus.RECEIVED)
    assert mine.count("moderate") >= 4
    assert all(i.endpoint == "admin.decision_opinions" for i in items)
    assert all(i.args["status"] == "received" for i in items)
    # another government's opinions (红山区) never appear
    county = expected(OpinionStatus.RECEIVED, gov="hongshan")
    assert county and not set(county) & set(per_decision(items))
    # a moderator has nothing to answer
    assert mine.count("answer") == 0


def test_an_undertaker_sees_only_their_own_units_opinions_to_answer(demo):
    seed_demo_opinions(NOW)
    undertaker = user("undertaker")
    mine = box("undertaker")
    answer = per_decision(mine.items("answer"))
    assert answer == expected(OpinionStatus.PUBLISHED, unit_id=undertaker.department_id)
    assert answer  # the heating plan of the housing bureau has published opinions unanswered
    everyone = expected(OpinionStatus.PUBLISHED)
    other_units = set(everyone) - set(answer)
    assert other_units  # e.g. the waste-sorting plan of the city management bureau
    for decision_id in answer:
        assert db.session.get(Decision, decision_id).undertaking_unit_id == (
            undertaker.department_id
        )
    assert mine.scope_unit_id == undertaker.department_id
    # and nothing of the county
    assert not set(expected(OpinionStatus.PUBLISHED, gov="hongshan")) & set(answer)


def test_counts_change_when_the_work_is_done(demo):
    seed_demo_opinions(NOW)
    undertaker = user("undertaker")
    housing_waiting = (
        db.session.scalars(
            sa.select(Opinion)
            .join(Decision, Opinion.decision_id == Decision.id)
            .where(
                Decision.undertaking_unit_id == undertaker.department_id,
                Opinion.status == OpinionStatus.RECEIVED,
            )
        )
        .unique()
        .all()
    )
    assert housing_waiting, "the demo has an opinion awaiting moderation on a housing decision"
    op = housing_waiting[0]
    before_moderate = box("moderator").count("moderate")
    before_answer = box("undertaker").count("answer")
    moderation.approve_opinion(op, actor=user("moderator"), now=NOW)
    db.session.commit()
    assert box("moderator").count("moderate") == before_moderate - 1
    assert box("undertaker").count("answer") == before_answer + 1
    moderation.answer_opinion(
        op, AdoptionStatus.ADOPTED, "已采纳，将在修改稿中体现。", actor=undertaker, now=NOW
    )
    db.session.commit()
    # the answer is a draft: no longer "to answer", now "to release"
    assert box("undertaker").count("answer") == before_answer
    before_release = box("undertaker").count("release")
    assert before_release >= 1
    moderation.release_answers(op.decision, [op.id], actor=undertaker, now=NOW)
    db.session.commit()
    assert box("undertaker").count("release") == before_release - 1


def test_the_office_sees_proposals_to_route_flags_and_the_whole_deadline_board(demo):
    from portal.demo_proposals import seed_demo_proposals

    seed_demo_proposals(NOW)
    db.session.commit()
    office = box("office")
    assert [s.role for s in office.sections] == [Role.GOVERNMENT_OFFICE]
    received = db.session.scalar(
        sa.select(sa.func.count(Proposal.id))
        .join(Government, Proposal.government_id == Government.id)
        .where(Government.slug == "chifeng", Proposal.status == ProposalStatus.RECEIVED)
    )
    routed = [i for i in office.items("proposals") if i.args.get("status") == "received"]
    assert received and routed and routed[0].count == received
    # the filing of the published kindergarten plan is overdue (PROC-38a) and links to the
    # publication screen where the filing is recorded
    overdue = office.items("overdue")
    filing = [i for i in overdue if i.rule == "PROC-38a"]
    assert filing and filing[0].endpoint == "admin.decision_publication" and filing[0].overdue
    # the office records deliberation, publication and filing; it is not handed unit steps
    assert all(
        i.step in (Step.COLLECTIVE_DECISION, Step.PARTY_COMMITTEE_REPORT, Step.PUBLICATION)
        or i.step is Step.FILING
        for i in office.items("steps")
    )


def test_undertaking_staff_deadlines_are_those_of_their_own_units_decisions(demo):
    undertaker = user("undertaker")
    office = box("office")
    mine = box("undertaker")
    for kind in ("overdue", "due_soon"):
        for item in mine.items(kind):
            assert item.decision.undertaking_unit_id == undertaker.department_id
    all_rows = office.items("overdue") + office.items("due_soon")
    other_unit = [
        i
        for i in all_rows
        if i.decision and i.decision.undertaking_unit_id != undertaker.department_id
    ]
    assert other_unit  # the board holds other units' duties, which the undertaker never sees
    mine_ids = {(i.rule, i.decision.id) for i in mine.items("overdue") + mine.items("due_soon")}
    assert not {(i.rule, i.decision.id) for i in other_unit} & mine_ids


def test_a_county_office_never_sees_city_work(demo):
    seed_demo_opinions(NOW)
    county = box("hongshan.office")
    city_ids = set(
        db.session.scalars(
            sa.select(Decision.id)
            .join(Government, Decision.government_id == Government.id)
            .where(Government.slug == "chifeng")
        )
    )
    for section in county.sections:
        for group in section.groups:
            for item in group.items:
                assert item.decision is None or item.decision.id not in city_ids


def test_the_legality_reviewer_sees_reviews_submitted_and_not_concluded(demo):
    reviewer = box("reviewer")
    items = reviewer.items("legality")
    assert items and all(i.endpoint == "admin.decision_legality" for i in items)
    assert all(i.decision.stage == "legality_review" for i in items)


def test_the_inbox_runs_a_bounded_number_of_queries(demo):
    """One grouped query per kind of work, not one per decision."""
    seed_demo_opinions(NOW)
    db.session.commit()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        db.session.expire_all()
        box("moderator")
        moderator_queries = len(statements)
        statements.clear()
        box("undertaker")
        undertaker_queries = len(statements)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert moderator_queries <= 10
    assert undertaker_queries <= 40
