"""Registering a new decision item (PROC-11): it starts in initiation.

The government office registers the item and may set the gate-switching flags at once
(non-disclosure with its legal basis, scope confirmation, and the flags that switch further
rules on): the office that registers the item is the office that confirms them (A7, A17, A42).
Afterwards a flag changes only by a request the office confirms (the corrections page).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from admin import bp
from admin._helpers import submit, who
from portal import clock, labels
from portal.extensions import db
from portal.models.decision import DecisionSource
from portal.models.org import Department, Government
from portal.permissions import Permission, require
from portal.rules.stages import Category
from portal.services import decisions as decision_service


class NewDecisionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2021, 2100)])
    undertaking_unit = SelectField(_l("Undertaking unit"), coerce=int)
    source = SelectField(_l("Source"), validators=[DataRequired()])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)])
    # A7, A17, A42: set by the government office at registration (labels.FLAG)
    non_disclosable = BooleanField(labels.FLAG["non_disclosable"])
    non_disclosable_basis = TextAreaField(
        _l("Legal basis for non-disclosure"), validators=[Length(max=5000)]
    )
    out_of_scope_confirmed = BooleanField(labels.FLAG["out_of_scope_confirmed"])
    affects_enterprise_operations = BooleanField(labels.FLAG["affects_enterprise_operations"])
    affects_specific_group = BooleanField(labels.FLAG["affects_specific_group"])
    affects_market_entities = BooleanField(labels.FLAG["affects_market_entities"])
    high_public_concern = BooleanField(labels.FLAG["high_public_concern"])
    is_exploratory_reform = BooleanField(labels.FLAG["is_exploratory_reform"])
    npc_report_required = BooleanField(labels.FLAG["npc_report_required"])


FLAG_FIELDS = decision_service.CREATION_FLAGS


def _form() -> NewDecisionForm:
    form = NewDecisionForm()
    form.category.choices = [(str(c), str(labels.CATEGORY[c])) for c in Category]
    form.source.choices = [(str(s), str(labels.SOURCE[s])) for s in DecisionSource]
    departments = db.session.scalars(
        sa.select(Department)
        .where(Department.government_id == current_user.government_id)
        .order_by(Department.sort_order)
    ).all()
    form.undertaking_unit.choices = [(d.id, d.name) for d in departments]
    if form.year.data is None:
        form.year.data = clock.local_today().year
    return form


def _page(form, errors=None, status: int = 200):
    return render_template(
        "admin/decision_new.html", form=form, flag_fields=FLAG_FIELDS, errors=errors or []
    ), status


@bp.route("/decisions/new", methods=["GET"])
@require(Permission.DECISION_CREATE)
def decision_new():
    return _page(_form())


@bp.post("/decisions/new")
@require(Permission.DECISION_CREATE)
def decision_create():
    form = _form()
    created = {}

    def call():
        government = db.session.get(Government, current_user.government_id)
        data = decision_service.NewDecisionInput(
            title=form.title.data or "",
            category=Category(form.category.data),
            year=form.year.data,
            undertaking_unit_id=form.undertaking_unit.data,
            source=DecisionSource(form.source.data),
            summary=form.summary.data or "",
            non_disclosable=bool(form.non_disclosable.data),
            non_disclosable_basis=form.non_disclosable_basis.data or "",
            **{name: bool(form[name].data) for name in FLAG_FIELDS},
        )
        created["decision"] = decision_service.register_decision(government, data, **who())

    response = submit(
        call,
        form=form,
        render=lambda errors, status: _page(form, errors, status),
        redirect_to="/admin/",  # replaced below once the item exists
        message=_(
            "The decision item is registered. Next: record its initiation on the "
            "“Initiation” screen (linked under “Continue the work”)."
        ),
    )
    if "decision" in created and getattr(response, "status_code", 0) == 302:
        # The workspace: its "Continue the work" box links the screen where work goes on.
        response.headers["Location"] = url_for(
            "admin.decision_show", decision_id=created["decision"].id
        )
    return response
