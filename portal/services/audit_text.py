"""The audit trail for people: each entry as a sentence in the reader's language.

"Who did what to which record", from a table of event code -> sentence template (msgids with
``%(who)s`` and ``%(record)s``, and ``%(step)s`` / ``%(target)s`` where the event names one),
followed by the before/after of each field that changed. An event code the table does not know
falls back to a generic sentence naming the code, so a new service never shows a blank line.
The raw JSON stays available (the template puts it behind a toggle).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext

from portal import labels
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.decision import Decision
from portal.models.user import User
from portal.rules.errors import N_

# Event code -> sentence template.
SENTENCES: dict[str, str] = {
    # accounts
    "auth.login": N_("%(who)s signed in"),
    "auth.logout": N_("%(who)s signed out"),
    "auth.login_failed": N_("A sign-in as %(who)s failed"),
    "auth.login_locked": N_("The account %(who)s was locked after failed sign-ins"),
    "user.create": N_("%(who)s created the account %(record)s"),
    "user.password_set": N_("%(who)s set the password of %(record)s"),
    # the procedure
    "decision.create": N_("%(who)s registered %(record)s"),
    "decision.initiation": N_("%(who)s recorded the initiation of %(record)s"),
    "initiation.update": N_("%(who)s recorded the initiation of %(record)s"),
    "procedure.step": N_("%(who)s recorded the step “%(step)s” of %(record)s"),
    "procedure.transition": N_("%(who)s started “%(target)s” on %(record)s"),
    "procedure.complete": N_("%(who)s completed the step “%(step)s” of %(record)s"),
    "procedure.waive": N_("%(who)s recorded the step “%(step)s” of %(record)s as not performed"),
    "drafting.record": N_("%(who)s recorded the drafting of %(record)s"),
    "drafting.update": N_("%(who)s recorded the drafting of %(record)s"),
    "drafting.unit_consultation": N_("%(who)s recorded a consultation of units on %(record)s"),
    "drafting.consultation_add": N_("%(who)s recorded a consultation of units on %(record)s"),
    "drafting.consultation_delete": N_("%(who)s deleted a consultation of units on %(record)s"),
    "drafting.dispute_add": N_("%(who)s recorded a disagreement between units on %(record)s"),
    "drafting.dispute_resolve": N_("%(who)s resolved a disagreement between units on %(record)s"),
    "document.version": N_("%(who)s added a document version to %(record)s"),
    "draft.version_add": N_("%(who)s added a draft version to %(record)s"),
    "draft.version_publish": N_("%(who)s published a draft version of %(record)s"),
    "consultation.open": N_("%(who)s opened the public comment period of %(record)s"),
    "participation.consultation_open": N_("%(who)s opened the public comment period of %(record)s"),
    "participation.consultation_save": N_("%(who)s saved the consultation notice of %(record)s"),
    "participation.consultation_extend": N_(
        "%(who)s extended the public comment period of %(record)s"
    ),
    "participation.activity_add": N_("%(who)s recorded a participation activity on %(record)s"),
    "participation.activity": N_("%(who)s recorded a participation activity on %(record)s"),
    "participation.activity_update": N_("%(who)s changed a participation activity of %(record)s"),
    "participation.activity_delete": N_("%(who)s deleted a participation activity of %(record)s"),
    "opinion.receive": N_("An opinion was received on %(record)s"),
    "opinion.enter_offline": N_("%(who)s entered an opinion received offline on %(record)s"),
    "opinion.approve": N_("%(who)s published an opinion on %(record)s"),
    "opinion.withhold": N_("%(who)s withheld an opinion on %(record)s"),
    "opinion.answer": N_("%(who)s answered an opinion on %(record)s"),
    "opinion_report.save": N_("%(who)s saved the adoption report of %(record)s"),
    "opinion_report.publish": N_("%(who)s published the adoption report of %(record)s"),
    "expert_review.record": N_("%(who)s recorded the expert review of %(record)s"),
    "expert_review.expert": N_("%(who)s recorded an expert's opinion on %(record)s"),
    "experts.review_create": N_("%(who)s recorded the expert review of %(record)s"),
    "experts.review_update": N_("%(who)s changed the expert review of %(record)s"),
    "experts.assign": N_("%(who)s added an expert to the review of %(record)s"),
    "experts.report": N_("%(who)s recorded the expert report of %(record)s"),
    "experts.recuse": N_("%(who)s recorded an expert's recusal on %(record)s"),
    "experts.select": N_("%(who)s drew experts from the pool for %(record)s"),
    "risk_assessment.record": N_("%(who)s recorded the risk assessment of %(record)s"),
    "risk_assessment.category": N_("%(who)s recorded a risk category of %(record)s"),
    "risk.create": N_("%(who)s recorded the risk assessment of %(record)s"),
    "risk.update": N_("%(who)s changed the risk assessment of %(record)s"),
    "risk.notice": N_("%(who)s recorded the risk assessment notice of %(record)s"),
    "risk.plac": N_("%(who)s recorded the procedural review of the risk report of %(record)s"),
    "decision.internal_review": N_("%(who)s recorded the unit's review of %(record)s"),
    "internal_review.legal_review": N_("%(who)s recorded the unit's legal review of %(record)s"),
    "internal_review.discussion": N_(
        "%(who)s recorded the unit's collective discussion of %(record)s"
    ),
    "legality_review.record": N_("%(who)s submitted %(record)s for legality review"),
    "legality.submit": N_("%(who)s submitted %(record)s for legality review"),
    "legality.submission_update": N_(
        "%(who)s changed the legality review submission of %(record)s"
    ),
    "legality.pause": N_("%(who)s asked for supplementary materials on %(record)s"),
    "legality_review.pause": N_("%(who)s asked for supplementary materials on %(record)s"),
    "legality.supplement_received": N_("%(who)s recorded the supplement received for %(record)s"),
    "legality.adviser_opinion": N_("%(who)s recorded a legal adviser's opinion on %(record)s"),
    "legality_review.adviser_opinion": N_(
        "%(who)s recorded a legal adviser's opinion on %(record)s"
    ),
    "legality.opinion": N_("%(who)s issued the legality review opinion on %(record)s"),
    "legality.return": N_("%(who)s returned %(record)s to the undertaking unit"),
    "legality.point_add": N_("%(who)s added a point to the legality opinion on %(record)s"),
    "legality_review.point": N_("%(who)s added a point to the legality opinion on %(record)s"),
    "legality.point_adoption": N_(
        "%(who)s recorded how a point of the legality opinion on %(record)s was adopted"
    ),
    "meeting.record": N_("%(who)s recorded the collective deliberation of %(record)s"),
    "deliberation.meeting": N_("%(who)s recorded the collective deliberation of %(record)s"),
    "deliberation.meeting_update": N_(
        "%(who)s changed the record of the collective deliberation of %(record)s"
    ),
    "party_report.record": N_("%(who)s recorded the report to the Party committee on %(record)s"),
    "deliberation.party_report": N_(
        "%(who)s recorded the report to the Party committee on %(record)s"
    ),
    "deliberation.npc_report": N_(
        "%(who)s recorded the report to the People's Congress standing committee on %(record)s"
    ),
    "decision.publication": N_("%(who)s recorded the publication of %(record)s"),
    "publication.publish": N_("%(who)s published %(record)s"),
    "publication.filing": N_("%(who)s recorded the filing of %(record)s"),
    "publication.document_create": N_("%(who)s added a public document to %(record)s"),
    "publication.document_update": N_("%(who)s changed a public document of %(record)s"),
    "publication.document_version": N_("%(who)s added a document version to %(record)s"),
    "decision.execution": N_("%(who)s recorded the execution of %(record)s"),
    "execution.completed": N_("%(who)s recorded the execution of %(record)s as completed"),
    "decision.change": N_("%(who)s recorded a change of %(record)s"),
    "decision.archive_export": N_("%(who)s exported the archive of %(record)s"),
    "archive.complete": N_("%(who)s completed the archive of %(record)s"),
    "flag.request": N_("%(who)s asked to change a flag of %(record)s"),
    "flag.confirm": N_("%(who)s confirmed a flag change of %(record)s"),
    "flag.reject": N_("%(who)s rejected a flag change of %(record)s"),
    # hearings
    "hearing.create": N_("%(who)s planned %(record)s"),
    "hearing.update": N_("%(who)s changed %(record)s"),
    "hearing.announce": N_("%(who)s announced %(record)s"),
    "hearing.cancel": N_("%(who)s cancelled %(record)s"),
    "hearing.draw": N_("%(who)s drew the participants of %(record)s"),
    "hearing.invite": N_("%(who)s invited a participant to %(record)s"),
    "hearing.list_publish": N_("%(who)s published the participants of %(record)s"),
    "hearing.registration_cancel": N_("%(who)s cancelled a registration for %(record)s"),
    "hearing.materials_delivered": N_("%(who)s delivered the materials of %(record)s"),
    "hearing.held": N_("%(who)s recorded that %(record)s was held"),
    "hearing.check_in": N_("%(who)s checked a participant in at %(record)s"),
    "hearing.record": N_("%(who)s recorded the minutes of %(record)s"),
    "hearing.record_confirmation": N_(
        "%(who)s recorded a participant's confirmation of %(record)s"
    ),
    "hearing.report_publish": N_("%(who)s published the report of %(record)s"),
    # proposals, catalogs, supervision, evaluation
    "proposal.route": N_("%(who)s routed %(record)s to a studying unit"),
    "proposal.study_start": N_("%(who)s started studying %(record)s"),
    "proposal.conclude": N_("%(who)s recorded the study conclusion of %(record)s"),
    "proposal.answer": N_("%(who)s answered %(record)s"),
    "proposal.link_decision": N_("%(who)s linked %(record)s to a decision item"),
    "proposal.contact_view": N_("%(who)s viewed the contact details of %(record)s"),
    "catalog.publish": N_("%(who)s published %(record)s"),
    "catalog.file": N_("%(who)s recorded the filing of %(record)s"),
    "supervision.task_register": N_("%(who)s registered a supervision task of %(record)s"),
    "supervision.task_complete": N_("%(who)s completed a supervision task of %(record)s"),
    "supervision.tracking": N_("%(who)s recorded the progress of %(record)s"),
    "evaluation.trigger": N_("%(who)s started the post-evaluation of %(record)s"),
    "evaluation.report": N_("%(who)s recorded the post-evaluation report of %(record)s"),
    "evaluation.gov_decision": N_("%(who)s recorded the government's decision on %(record)s"),
}
# Last word of an unknown code -> a generic verb (still a whole sentence).
VERBS: dict[str, str] = {
    "add": N_("%(who)s added a record to %(record)s"),
    "create": N_("%(who)s created %(record)s"),
    "update": N_("%(who)s changed %(record)s"),
    "delete": N_("%(who)s deleted a record of %(record)s"),
    "publish": N_("%(who)s published %(record)s"),
    "withdraw": N_("%(who)s withdrew %(record)s"),
}
GENERIC = N_("%(who)s changed %(record)s (event “%(code)s”)")
CORRECTION = N_("%(who)s corrected %(record)s")

# Table name -> what its records are called ("%(id)s" its number).
RECORD_KINDS: dict[str, str] = {
    "opinions": N_("opinion no. %(id)s"),
    "consultations": N_("consultation no. %(id)s"),
    "hearings": N_("hearing no. %(id)s"),
    "hearing_registrations": N_("registration no. %(id)s"),
    "proposals": N_("public proposal no. %(id)s"),
    "catalogs": N_("catalog no. %(id)s"),
    "catalog_adjustments": N_("catalog adjustment no. %(id)s"),
    "experts": N_("expert no. %(id)s"),
    "users": N_("account no. %(id)s"),
    "governments": N_("government no. %(id)s"),
    "participation_channels": N_("participation channel no. %(id)s"),
    "evaluations": N_("post-evaluation no. %(id)s"),
    "document_versions": N_("document version no. %(id)s"),
    "legality_reviews": N_("legality review no. %(id)s"),
    "answer_templates": N_("answer template no. %(id)s"),
    "workday_years": N_("the holiday schedule of %(id)s"),
}
HIDDEN_FIELDS = frozenset({"record", "password_hash", "ip_hash", "contact_email", "contact_phone"})
MAX_VALUE = 200


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class Described:
    entry: AuditEntry
    sentence: str
    changes: list[Change] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    known: bool = True  # False: the generic sentence of an unknown code

    @property
    def raw(self) -> str:
        try:
            return json.dumps(json.loads(self.entry.data), ensure_ascii=False, indent=2)
        except ValueError:
            return self.entry.data


def _short(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return _short("；".join(f"{_label(k)}：{_value(v)}" for k, v in value.items()))
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return _short(labels.label_of(value))
    if isinstance(value, list | tuple):
        return _short("、".join(_value(v) for v in value)) if value else "—"
    return _short(str(labels.value_text(value)))


def _label(name: str) -> str:
    if name in labels.FIELD:
        return str(labels.FIELD[name])
    if name in labels.STEP:
        return str(labels.STEP[name])
    return name.replace("_", " ")


def changes_of(before: dict | None, after: dict | None) -> list[Change]:
    """Each field whose value differs, with its before and after; a nested map (the steps of
    a transition) is compared key by key."""
    before, after = before or {}, after or {}
    out: list[Change] = []
    for name in dict.fromkeys([*before, *after]):
        if name in HIDDEN_FIELDS or name == "reason":
            continue
        old, new = before.get(name), after.get(name)
        if isinstance(old, dict) or isinstance(new, dict):
            for key in dict.fromkeys([*(old or {}), *(new or {})]):
                o, n = (old or {}).get(key), (new or {}).get(key)
                if o != n:
                    out.append(Change(_label(key), _value(o), _value(n)))
            continue
        if old != new:
            out.append(Change(_label(name), _value(old), _value(new)))
    return out


def _record_name(
    entry: AuditEntry, after: dict, decisions: dict[str, Decision], users: dict[int, User]
) -> str:
    if entry.object_type == "decisions" and entry.object_id in decisions:
        name = gettext("the decision “%(title)s”", title=decisions[entry.object_id].title)
        inner = str(after.get("record", "")) if isinstance(after, dict) else ""
        table, _sep, number = inner.partition(":")
        if table and table != "decisions" and table in RECORD_KINDS:
            return gettext(
                "%(record)s of %(decision)s",
                record=gettext(RECORD_KINDS[table], id=number),
                decision=name,
            )
        return name
    if entry.object_type == "users" and entry.object_id.isdigit():
        user = users.get(int(entry.object_id))
        if user is not None:
            return user.display_name
    if entry.object_type in RECORD_KINDS:
        return gettext(RECORD_KINDS[entry.object_type], id=entry.object_id)
    if entry.object_type:
        return gettext(
            "record %(kind)s no. %(id)s", kind=entry.object_type, id=entry.object_id or "—"
        )
    return gettext("the portal")


def _template(action: str) -> tuple[str, bool]:
    if action in SENTENCES:
        return SENTENCES[action], True
    if action.endswith(".correction"):
        return CORRECTION, True
    last = action.rsplit(".", 1)[-1].rsplit("_", 1)[-1]
    if last in VERBS:
        return VERBS[last], True
    return GENERIC, False


def describe(entries: Iterable[AuditEntry]) -> list[Described]:
    """The entries as sentences in the current language (two queries for the names)."""
    entries = list(entries)
    decision_ids = {
        int(e.object_id) for e in entries if e.object_type == "decisions" and e.object_id.isdigit()
    }
    decisions = (
        {
            str(d.id): d
            for d in db.session.scalars(sa.select(Decision).where(Decision.id.in_(decision_ids)))
        }
        if decision_ids
        else {}
    )
    user_ids = {e.actor_id for e in entries if e.actor_id} | {
        int(e.object_id) for e in entries if e.object_type == "users" and e.object_id.isdigit()
    }
    users = (
        {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(user_ids)))}
        if user_ids
        else {}
    )
    out: list[Described] = []
    for entry in entries:
        try:
            data = json.loads(entry.data) or {}
        except ValueError:
            data = {}
        before = data.get("before") if isinstance(data.get("before"), dict) else None
        after = data.get("after") if isinstance(data.get("after"), dict) else None
        details = data.get("details") if isinstance(data.get("details"), dict) else {}
        actor = users.get(entry.actor_id) if entry.actor_id else None
        who = actor.display_name if actor is not None else entry.actor_label or gettext("system")
        step = details.get("step") or (after or {}).get("step") or ""
        target = (after or {}).get("target") or details.get("target") or step
        template, known = _template(entry.action)
        params = {
            "who": who,
            "record": _record_name(entry, after or {}, decisions, users),
            "step": labels.label_of(step) if step else "—",
            "target": labels.label_of(target) if target else "—",
            "code": entry.action,
        }
        try:
            sentence = gettext(template, **params)
        except (KeyError, ValueError, TypeError):
            sentence = gettext(GENERIC, **params)
        shown_details = [
            (_label(k), _value(v))
            for k, v in details.items()
            if k not in HIDDEN_FIELDS and k != "step" and v not in (None, "", [], {})
        ]
        if after and after.get("reason"):
            shown_details.append((gettext("Reason"), _short(str(after["reason"]))))
        out.append(
            Described(entry, sentence, changes_of(before, after), shown_details, known=known)
        )
    return out


def government_log(government_id: int, *, page: int = 1, per_page: int = 50):
    """One page of the government's audit log, newest first, and the number of entries."""
    query = sa.select(AuditEntry).where(AuditEntry.government_id == government_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(AuditEntry.seq.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), int(total)
