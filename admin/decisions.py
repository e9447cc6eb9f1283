"""Registering a new decision item (PROC-11): it starts in initiation."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from admin import bp
from admin._helpers import actor
from portal import clock, labels
from portal.extensions import db
from portal.models.decision import DecisionSource
from portal.models.org import Department, Government
from portal.permissions import Permission, require
from portal.rules.stages import Category
from portal.services.decisions import create_decision


class NewDecisionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2021, 2100)])
    undertaking_unit = SelectField(_l("Undertaking unit"), coerce=int)
    source = SelectField(_l("Source"), validators=[DataRequired()])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)])


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


@bp.route("/decisions/new", methods=["GET", "POST"])
@require(Permission.DECISION_CREATE)
def decision_new():
    form = _form()
    if form.validate_on_submit():
        government = db.session.get(Government, current_user.government_id)
        unit = db.session.get(Department, form.undertaking_unit.data)
        decision = create_decision(
            government=government,
            title=form.title.data,
            category=Category(form.category.data),
            year=form.year.data,
            summary=form.summary.data or "",
            undertaking_unit=unit,
            source=DecisionSource(form.source.data),
            actor=actor(),
            now=clock.now(),
        )
        db.session.commit()
        flash(_("The decision item is registered; record its initiation next."))
        return redirect(url_for("admin.decision_initiation", decision_id=decision.id))
    status = 422 if form.errors else 200
    return render_template("admin/decision_new.html", form=form), status
