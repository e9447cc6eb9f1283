"""Translatable labels for the enums shown to people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.models.org import GovernmentLevel
from portal.rules.stages import Category, Stage, Step, StepStatus

STAGE = {
    Stage.INITIATED: _l("Initiated"),
    Stage.DRAFTING: _l("Drafting"),
    Stage.CONSULTATION: _l("Consultation"),
    Stage.LEGALITY_REVIEW: _l("Legality review"),
    Stage.DELIBERATION: _l("Deliberation"),
    Stage.PUBLISHED: _l("Published"),
    Stage.IMPLEMENTATION: _l("Implementation"),
    Stage.POST_EVALUATION: _l("Post-evaluation"),
    Stage.CLOSED: _l("Closed"),
    Stage.REJECTED: _l("Not approved"),
    Stage.SUSPENDED: _l("Suspended"),
    Stage.TERMINATED: _l("Terminated"),
}

STEP = {
    Step.CATALOG_LISTING: _l("Catalog listing"),
    Step.INITIATION: _l("Initiation"),
    Step.DRAFTING_RESEARCH: _l("Drafting and research"),
    Step.PUBLIC_PARTICIPATION: _l("Public participation"),
    Step.EXPERT_REVIEW: _l("Expert review"),
    Step.RISK_ASSESSMENT: _l("Risk assessment"),
    Step.INTERNAL_LEGAL_REVIEW: _l("Unit legal review"),
    Step.INTERNAL_COLLECTIVE_DISCUSSION: _l("Unit collective discussion"),
    Step.LEGALITY_REVIEW: _l("Legality review"),
    Step.COLLECTIVE_DECISION: _l("Collective deliberation"),
    Step.PARTY_COMMITTEE_REPORT: _l("Report to the Party committee"),
    Step.PUBLICATION: _l("Publication"),
    Step.FILING: _l("Filing"),
    Step.ARCHIVING: _l("Archiving"),
    Step.EXECUTION: _l("Implementation"),
    Step.SUPERVISION: _l("Supervision"),
    Step.POST_EVALUATION: _l("Post-evaluation"),
}

STEP_STATUS = {
    StepStatus.PENDING: _l("Not started"),
    StepStatus.IN_PROGRESS: _l("In progress"),
    StepStatus.COMPLETED: _l("Completed"),
    StepStatus.WAIVED_WITH_EXPLANATION: _l("Not performed, with explanation"),
    StepStatus.NOT_APPLICABLE: _l("Not applicable"),
}

CATEGORY = {
    Category.PUBLIC_POLICY: _l("Major public policy"),
    Category.DEVELOPMENT_PLAN: _l("Important plan"),
    Category.RESOURCE_POLICY: _l("Natural and cultural resources"),
    Category.PUBLIC_CONSTRUCTION_PROJECT: _l("Major public construction project"),
    Category.OTHER_MAJOR_MATTER: _l("Other major matter"),
}

LEVEL = {GovernmentLevel.CITY: _l("City"), GovernmentLevel.COUNTY: _l("County level")}
