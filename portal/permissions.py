"""Roles, permissions and object-level checks for the back office.

Deny by default: a permission not granted to one of the user's roles is refused, and every
object is scoped to the user's own government (security.md: a county official never reads or
changes another county's records).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any


class Role(StrEnum):
    SYSTEM_ADMIN = "system_admin"
    GOVERNMENT_OFFICE = "government_office"
    UNDERTAKING_STAFF = "undertaking_staff"
    LEGALITY_REVIEWER = "legality_reviewer"
    MODERATOR = "moderator"
    SUPERVISION_OFFICER = "supervision_officer"
    EVALUATOR = "evaluator"


class Permission(StrEnum):
    DASHBOARD_VIEW = "dashboard_view"
    DECISION_VIEW = "decision_view"
    DECISION_CREATE = "decision_create"
    DECISION_EDIT = "decision_edit"
    DECISION_PUBLISH = "decision_publish"
    CATALOG_MANAGE = "catalog_manage"
    OPINION_MODERATE = "opinion_moderate"
    OPINION_ANSWER = "opinion_answer"
    HEARING_MANAGE = "hearing_manage"  # plan, announce, select, materials, check-in, report
    HEARING_CONTACT_VIEW = "hearing_contact_view"  # participants' contacts and ID in full
    LEGALITY_REVIEW = "legality_review"
    SUPERVISION_MANAGE = "supervision_manage"
    EVALUATION_MANAGE = "evaluation_manage"
    DELIBERATION_RECORD = "deliberation_record"  # only the government office
    PROCEDURE_EXIT = "procedure_exit"  # reject, suspend, terminate, close
    CALENDAR_MANAGE = "calendar_manage"
    ARCHIVE_EXPORT = "archive_export"
    AUDIT_VIEW = "audit_view"
    USER_MANAGE = "user_manage"
    # Post-evaluation organised by the office (EVAL-4a); statistics (PROC-10a, SUP-6a)
    EVALUATION_ORGANISE = "evaluation_organise"
    STATISTICS_VIEW = "statistics_view"
    # Public proposals (PROC-11b(4), CAT-7b): the office routes and answers them; the unit
    # they are routed to studies them.
    PROPOSAL_MANAGE = "proposal_manage"
    PROPOSAL_STUDY = "proposal_study"
    # Annual catalog (CAT-8: departments submit items) and expert pool (EXP-3a: the office)
    CATALOG_SUBMIT = "catalog_submit"
    EXPERT_POOL_MANAGE = "expert_pool_manage"
    EXPERT_PERSONAL_DATA_VIEW = "expert_personal_data_view"
    # A7, A17, A42: the government office confirms a change of a gate-switching flag
    FLAG_CONFIRM = "flag_confirm"
    # PART-6b/6c: the government office keeps its public participation channels (issue 11)
    CHANNELS_MANAGE = "channels_manage"


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # A system administrator runs accounts and the audit log, not the procedure itself, and is
    # not a moderator (separation of duties).
    Role.SYSTEM_ADMIN: frozenset(
        {P.DASHBOARD_VIEW, P.DECISION_VIEW, P.AUDIT_VIEW, P.USER_MANAGE, P.CALENDAR_MANAGE}
    ),
    Role.GOVERNMENT_OFFICE: frozenset(
        {
            P.DASHBOARD_VIEW,
            P.DECISION_VIEW,
            P.DECISION_CREATE,
            P.DECISION_EDIT,
            P.DECISION_PUBLISH,
            P.FLAG_CONFIRM,
            P.CATALOG_MANAGE,
            P.DELIBERATION_RECORD,
            P.PROPOSAL_MANAGE,
            P.EXPERT_POOL_MANAGE,
            P.EXPERT_PERSONAL_DATA_VIEW,
            P.PROCEDURE_EXIT,
            P.CALENDAR_MANAGE,
            P.ARCHIVE_EXPORT,
            P.AUDIT_VIEW,
        }
    ),
    Role.UNDERTAKING_STAFF: frozenset(
        {
            P.DASHBOARD_VIEW,
            P.DECISION_VIEW,
            P.DECISION_EDIT,
            P.OPINION_ANSWER,
            P.ARCHIVE_EXPORT,
            P.PROPOSAL_STUDY,
            P.CATALOG_SUBMIT,
        }
    ),
    Role.LEGALITY_REVIEWER: frozenset({P.DASHBOARD_VIEW, P.DECISION_VIEW, P.LEGALITY_REVIEW}),
    Role.MODERATOR: frozenset({P.DASHBOARD_VIEW, P.DECISION_VIEW, P.OPINION_MODERATE}),
    Role.SUPERVISION_OFFICER: frozenset({P.DASHBOARD_VIEW, P.DECISION_VIEW, P.SUPERVISION_MANAGE}),
    Role.EVALUATOR: frozenset({P.DASHBOARD_VIEW, P.DECISION_VIEW, P.EVALUATION_MANAGE}),
}

# Issue 7 part 2: the office organises post-evaluation (EVAL-4a) and reads the statistics
# (PROC-10a); the supervision office reads them too (SUP-6a).
ROLE_PERMISSIONS[Role.GOVERNMENT_OFFICE] = ROLE_PERMISSIONS[Role.GOVERNMENT_OFFICE] | {
    P.EVALUATION_ORGANISE,
    P.STATISTICS_VIEW,
}
ROLE_PERMISSIONS[Role.SUPERVISION_OFFICER] = ROLE_PERMISSIONS[Role.SUPERVISION_OFFICER] | {
    P.STATISTICS_VIEW
}
# Issue 5: hearings and symposiums are organised by the undertaking unit or the office; only
# they need participants' contacts and ID numbers in full (others see them masked).
for _role in (Role.GOVERNMENT_OFFICE, Role.UNDERTAKING_STAFF):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {P.HEARING_MANAGE, P.HEARING_CONTACT_VIEW}
# Issue 11: the government office keeps the hotline, open days, new media and contact points it
# publishes (PART-6b/6c; PART-3a: the office guides public participation).
ROLE_PERMISSIONS[Role.GOVERNMENT_OFFICE] = ROLE_PERMISSIONS[Role.GOVERNMENT_OFFICE] | {
    P.CHANNELS_MANAGE
}


def permissions_of(user: Any) -> frozenset[Permission]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff", False):
        return frozenset()
    granted: set[Permission] = set()
    for role in user.roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)


def same_government(user: Any, obj: Any) -> bool:
    """Object-level scope: the object belongs to the user's own government."""
    gov_id = getattr(obj, "government_id", None)
    return gov_id is not None and gov_id == user.government_id


def can(user: Any, perm: Permission, obj: Any = None) -> bool:
    if perm not in permissions_of(user):
        return False
    return obj is None or same_government(user, obj)


def require(perm: Permission) -> Callable:
    """View decorator: 403 unless the current user holds ``perm``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            from flask import abort
            from flask_login import current_user

            if not can(current_user, perm):
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_permission = perm  # type: ignore[attr-defined]
        return wrapper

    return decorator
