"""Document history on the public dossier (issue 4): every public version of a draft with the
differences between versions, and what changed from the last public draft to the published
decision. Only public documents and published versions are ever shown (A7, PROC-16a)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _

from portal.public import bp
from portal.public.cache import cached_page
from portal.services import adoption
from portal.services import decisions as decision_service
from portal.services.drafts import diff_html, diff_texts


def _decision_or_404(decision_id: int):
    decision = decision_service.get_public_decision(decision_id)
    if decision is None:
        abort(404)
    return decision


def _version_or_404(decision, document_id: int, number: int):
    version = adoption.public_version(decision, document_id, number)
    if version is None:
        abort(404)
    return version


def _number(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else None


def _diff_markup(diff):
    return diff_html(
        diff,
        deleted_label=_("deleted"),
        inserted_label=_("inserted"),
        skipped_label=_("Unchanged lines not shown: %(count)s"),
    )


@bp.get("/decisions/<int:decision_id>/documents/<int:document_id>/versions/<int:number>")
@cached_page
def document_version(decision_id: int, document_id: int, number: int):
    decision = _decision_or_404(decision_id)
    version = _version_or_404(decision, document_id, number)
    return render_template(
        "public/document_version.html",
        decision=decision,
        document=version.document,
        version=version,
        versions=version.document.public_versions,
    )


@bp.get("/decisions/<int:decision_id>/documents/<int:document_id>/diff")
@cached_page
def document_diff(decision_id: int, document_id: int):
    """The differences between two public versions (?from=1&to=2)."""
    decision = _decision_or_404(decision_id)
    old_no, new_no = _number("from"), _number("to")
    if old_no is None or new_no is None:
        abort(404)
    old = _version_or_404(decision, document_id, old_no)
    new = _version_or_404(decision, document_id, new_no)
    diff = diff_texts(old.body, new.body)
    return render_template(
        "public/document_diff.html",
        decision=decision,
        title=old.document.title,
        old=old,
        new=new,
        diff=diff,
        diff_markup=_diff_markup(diff),
    )


@bp.get("/decisions/<int:decision_id>/changes")
@cached_page
def decision_changes(decision_id: int):
    """From the last draft put to the public to the published decision."""
    decision = _decision_or_404(decision_id)
    found = adoption.changes_with_opinions(decision)
    if found is None:
        abort(404)
    comparison, blocks = found
    return render_template(
        "public/document_diff.html",
        decision=decision,
        title=_("From the draft to the final decision"),
        old=comparison.draft,
        new=comparison.final,
        diff=comparison.diff,
        diff_markup=_diff_markup(comparison.diff),
        draft_to_final=True,
        # issue 12 (d): the diff by article, each change with the opinions whose answers cite it
        blocks=[(b, _diff_markup(b.diff)) for b in blocks],
        page_of=adoption.public_page_of,
    )
