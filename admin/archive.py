"""The archive package of a decision (PROC-39a): what it holds, its download, and the record
that the archive is complete (``portal.services.archive``, through the shared write path)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Response, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin._helpers import decision_or_404, submit, who
from portal import clock, transaction
from portal.permissions import Permission, can, require
from portal.services import archive

# Zero-width and bidi control characters never go into a file name (security.md).
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def download_name(title: str, decision_id: int, day) -> str:
    name = unicodedata.normalize("NFC", title)
    name = _UNSAFE.sub("_", _INVISIBLE.sub("", name)).strip(" ._") or f"decision-{decision_id}"
    return f"{name[:80]}-归档-{day.isoformat()}.zip"


@bp.get("/decisions/<int:decision_id>/archive")
@require(Permission.DECISION_VIEW)
def decision_archive(decision_id: int):
    return _archive_page(decision_or_404(decision_id))


def _archive_page(decision, errors=None, status: int = 200):
    files = archive.package_files(decision)
    documents = {f.path: f for f in archive.document_files(decision)}
    descriptions = dict(archive.RECORD_FILES)
    return render_template(
        "admin/archive.html",
        decision=decision,
        files=files,
        documents=documents,
        descriptions=descriptions,
        counts=archive.counts(decision),
        audit_count=len(archive.audit_entries(decision)),
        notes=list(archive.NOTES),
        can_export=can(current_user, Permission.ARCHIVE_EXPORT, decision),
        completion_problems=archive.completion_violations(decision),
        errors=errors or [],
    ), status


@bp.post("/decisions/<int:decision_id>/archive.zip")
@require(Permission.ARCHIVE_EXPORT)
def decision_archive_download(decision_id: int):
    decision = decision_or_404(decision_id, Permission.ARCHIVE_EXPORT)
    # Building the package writes its audit entry: committed before the bytes are sent.
    data = transaction.run(lambda: archive.build_archive(decision, **who()))
    name = download_name(decision.title, decision.id, clock.local_today())
    fallback = f"decision-{decision.id}-archive.zip"
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
            ),
            "Cache-Control": "no-store",
        },
    )


@bp.post("/decisions/<int:decision_id>/archive/complete")
@require(Permission.ARCHIVE_EXPORT)
def decision_archive_complete(decision_id: int):
    """PROC-39a: record that the whole-process archive is complete."""
    decision = decision_or_404(decision_id, Permission.ARCHIVE_EXPORT)
    return submit(
        lambda: archive.complete_archive(decision, **who()),
        render=lambda errors, status: _archive_page(decision, errors, status),
        redirect_to=url_for("admin.decision_archive", decision_id=decision.id),
        message=_(
            "The archive is recorded as complete. Complete the archiving step in the overview."
        ),
    )
