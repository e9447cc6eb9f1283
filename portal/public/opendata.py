"""Bulk open data: CSV and JSON downloads, and the data dictionary page ``/data``.

Datasets: decisions, catalog entries, catalog adjustments, published opinions, hearings. Each is
one flat table with the same columns in CSV and JSON, described field by field (type and
meaning, zh and en) by ``DATASETS`` below, which the page and the files are both built from.

Only public data: never a non-disclosable decision (its catalog entry shows the name and
undertaking unit only, rules.md A7), never an unpublished or withheld opinion, opinions exactly
as on the public page (the masked published text; the name only with consent; never contacts),
never an unannounced hearing.

CSV is UTF-8 with a byte-order mark (Excel), CRLF lines, and every text cell that a spreadsheet
would run as a formula (leading = + - @, tab, CR) gets a leading apostrophe
(``portal.services.exports.neutralise``). Files are streamed in batches; the ETag (weak: it is
derived from the dataset's state, not from the bytes) and Last-Modified come from counts and
timestamps, so a 304 costs one small query.

Every ``url`` is absolute: ``PORTAL_PUBLIC_URL`` (the portal's public address) when it is set,
otherwise the host the file was requested from. The files carry a licence (``PORTAL_DATA_LICENCE``
and ``PORTAL_DATA_LICENCE_URL``; CC BY 4.0 unless configured): in the JSON head, as a
``Link: <...>; rel="license"`` header on both formats, and on the data page.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import Response, abort, current_app, render_template, request, stream_with_context
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from portal import clock, labels
from portal.api._common import (
    add_cors,
    etag_of,
    hearing_model,
    last_modified,
    not_modified,
    public_hearings_query,
)
from portal.api._json import iso
from portal.api.catalogs import entry_rows, public_catalogs_query, public_decision_ids
from portal.extensions import db
from portal.models.catalog import Catalog, CatalogAdjustment, CatalogEntry
from portal.models.consultation import Consultation
from portal.models.decision import Decision
from portal.models.opinion import Opinion
from portal.public import bp
from portal.public._util import public_root
from portal.public.cache import cached_page
from portal.services import decisions as decision_service
from portal.services.exports import neutralise
from portal.services.opinions import OpinionStatus

BATCH = 500
DEFAULT_LICENCE = ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")


def _setting(name: str) -> str:
    return (current_app.config.get(name) or os.environ.get(f"PORTAL_{name}") or "").strip()


def public_base() -> str:
    """The portal's public address without a trailing slash: ``PUBLIC_URL`` (``PORTAL_PUBLIC_URL``,
    with the default of ``portal.config``), never the request's ``Host`` header, which a client
    chooses and a cache would then serve to everyone."""
    return (_setting("PUBLIC_URL") or public_root()).rstrip("/")


def absolute(path: str) -> str:
    return public_base() + path


def data_licence() -> dict[str, str]:
    """The licence of the open data: its name and the URL of its text."""
    name = _setting("DATA_LICENCE")
    url = _setting("DATA_LICENCE_URL")
    if not name:
        name, url = DEFAULT_LICENCE[0], url or DEFAULT_LICENCE[1]
    return {"name": name, "url": url}


TYPES = {
    "integer": _l("integer"),
    "string": _l("text"),
    "code": _l("code"),
    "datetime": _l("date and time (ISO 8601, Beijing time +08:00)"),
    "boolean": _l("true or false"),
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a TYPES key
    meaning: object  # a lazy string
    values: tuple[tuple[str, object], ...] = ()  # for codes: (value, label) pairs


def _codes(mapping: dict) -> tuple[tuple[str, object], ...]:
    return tuple((str(k), v) for k, v in mapping.items())


CATALOG_STATUS = {"published": _l("Published"), "filed": _l("Filed")}
ENTRY_STATUS = {"listed": _l("Listed"), "removed": _l("Removed by an adjustment")}
HEARING_KIND = {"hearing": _l("Hearing"), "symposium": _l("Symposium")}
SELECTION_METHOD = {
    "first_come": _l("First come, first served"),
    "lottery": _l("Lottery"),
    "quota": _l("Quota per stakeholder side"),
    "invitation": _l("Invitation"),
}


@dataclass(frozen=True)
class Dataset:
    name: str
    title: object
    description: object
    fields: tuple[Field, ...]
    rows: Callable[[], Iterator[dict]]
    state: Callable[[], list]  # counts and timestamps: the basis of ETag and Last-Modified

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


# -- decisions -------------------------------------------------------------------------------


def decision_rows() -> Iterator[dict]:
    base = public_base()
    last_id = 0
    while True:
        batch = db.session.scalars(
            decision_service.public_decisions()
            .where(Decision.id > last_id)
            .options(selectinload(Decision.government), selectinload(Decision.undertaking_unit))
            .order_by(Decision.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        consultations: dict[int, Consultation] = {}
        for c in db.session.scalars(
            sa.select(Consultation)
            .where(Consultation.decision_id.in_([d.id for d in batch]))
            .order_by(Consultation.opens_at, Consultation.id)
        ):
            consultations[c.decision_id] = c  # the latest one wins, as on the dossier
        for d in batch:
            c = consultations.get(d.id)
            yield {
                "id": d.id,
                "title": d.title,
                "gov": d.government.slug,
                "gov_name": d.government.name,
                "year": d.year,
                "category": str(d.category),
                "stage": str(d.stage),
                "undertaking_unit": d.undertaking_unit.name if d.undertaking_unit else None,
                "summary": d.summary,
                "consultation_opens_at": iso(c.opens_at) if c else None,
                "consultation_closes_at": iso(c.closes_at) if c else None,
                "consultation_shortened_reason": (c.shortened_reason or None) if c else None,
                "published_at": iso(d.published_at),
                "updated_at": iso(d.stage_changed_at),
                "url": f"{base}/decisions/{d.id}",
            }
        last_id = batch[-1].id


def decision_state() -> list:
    # Over every decision, public or not, so that one turning non-disclosable changes the state.
    return [
        *db.session.execute(
            sa.select(
                sa.func.count(),
                sa.func.max(Decision.id),
                sa.func.max(Decision.updated_at),
                sa.func.max(Decision.stage_changed_at),
                sa.func.max(Decision.published_at),
            )
        ).one(),
        *db.session.execute(sa.select(sa.func.count(), sa.func.max(Consultation.created_at))).one(),
    ]


# -- catalogs --------------------------------------------------------------------------------


def catalog_entry_rows() -> Iterator[dict]:
    catalogs = list(db.session.scalars(public_catalogs_query()))
    ids = public_decision_ids(catalogs)
    for c in catalogs:
        for row in entry_rows(c, ids):
            yield {
                "gov": c.government.slug,
                "year": c.year,
                "catalog_status": str(c.status),
                "catalog_published_at": iso(c.published_at),
                "catalog_filed_at": iso(c.filed_at),
                **row,
            }


def catalog_adjustment_rows() -> Iterator[dict]:
    for c in db.session.scalars(public_catalogs_query()):
        for a in c.adjustments:
            if a.published_at is None:
                continue
            yield {
                "gov": c.government.slug,
                "year": c.year,
                "version": a.version,
                "description": a.description,
                "approved_at": iso(a.approved_at),
                "published_at": iso(a.published_at),
                "filed_at": iso(a.filed_at),
            }


def catalog_state() -> list:
    return [
        *db.session.execute(
            sa.select(
                sa.func.count(),
                sa.func.max(Catalog.published_at),
                sa.func.max(Catalog.filed_at),
                sa.func.max(Catalog.created_at),
            )
        ).one(),
        *db.session.execute(
            sa.select(
                sa.func.count(),
                sa.func.max(CatalogAdjustment.published_at),
                sa.func.max(CatalogAdjustment.filed_at),
                sa.func.max(CatalogAdjustment.approved_at),
            )
        ).one(),
        *db.session.execute(sa.select(sa.func.count(), sa.func.max(CatalogEntry.id))).one(),
        *db.session.execute(sa.select(sa.func.max(Decision.updated_at))).one(),
    ]


# -- published opinions ----------------------------------------------------------------------


def _published_opinions():
    return (
        sa.select(Opinion)
        .join(Decision, Opinion.decision_id == Decision.id)
        .where(Opinion.status == OpinionStatus.PUBLISHED, Decision.non_disclosable.is_(False))
    )


def opinion_rows() -> Iterator[dict]:
    from portal.services.moderation import public_name

    base = public_base()
    last_id = 0
    while True:
        batch = db.session.scalars(
            _published_opinions()
            .where(Opinion.id > last_id)
            .options(selectinload(Opinion.decision).selectinload(Decision.government))
            .order_by(Opinion.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        for op in batch:
            yield {
                "id": op.id,
                "decision_id": op.decision_id,
                "decision_title": op.decision.title,
                "gov": op.decision.government.slug,
                "submitted_at": iso(op.submitted_at),
                "clause": op.clause or None,
                "theme": getattr(op, "theme", "") or None,
                "body": op.published_body,
                "display_name": public_name(op) or None,
                "adoption": str(op.adoption),
                "response": op.response or None,
                "url": f"{base}/decisions/{op.decision_id}/opinions#opinion-{op.id}",
                "channel": str(op.channel),
            }
        last_id = batch[-1].id


def opinion_state() -> list:
    return [
        *db.session.execute(
            sa.select(
                sa.func.count(),
                sa.func.max(Opinion.id),
                sa.func.max(Opinion.moderated_at),
                sa.func.max(Opinion.answered_at),
            ).where(Opinion.status == OpinionStatus.PUBLISHED)
        ).one(),
        *db.session.execute(
            sa.select(sa.func.max(Opinion.moderated_at), sa.func.max(Opinion.answered_at))
        ).one(),
        *db.session.execute(sa.select(sa.func.max(Decision.updated_at))).one(),
    ]


# -- hearings --------------------------------------------------------------------------------


def hearing_rows() -> Iterator[dict]:
    query = public_hearings_query()
    hearing = hearing_model()
    if query is None or hearing is None:
        return
    now = clock.now()
    base = public_base()
    for h in db.session.scalars(
        query.where(hearing.announced_at <= now)
        .options(selectinload(hearing.decision).selectinload(Decision.government))
        .order_by(hearing.id)
    ):

        def public_at(name: str, h=h) -> str | None:
            value = getattr(h, name, None)
            return iso(value) if value is not None and value <= now else None

        yield {
            "id": h.id,
            "decision_id": h.decision_id,
            "gov": h.decision.government.slug,
            "kind": str(getattr(h, "kind", "hearing")),
            "title": h.title,
            "subject": getattr(h, "subject", "") or None,
            "starts_at": iso(h.starts_at),
            "ends_at": iso(getattr(h, "ends_at", None)),
            "place": getattr(h, "place", "") or None,
            "seats": getattr(h, "seats", None),
            "selection_method": str(getattr(h, "selection_method", "")) or None,
            "registration_opens_at": iso(getattr(h, "registration_opens_at", None)),
            "registration_closes_at": iso(getattr(h, "registration_closes_at", None)),
            "announced_at": iso(h.announced_at),
            "list_published_at": public_at("list_published_at"),
            "report_published_at": public_at("report_published_at"),
            "cancelled_at": public_at("cancelled_at"),
            "url": f"{base}/hearings/{h.id}",
        }


def hearing_state() -> list:
    hearing = hearing_model()
    if hearing is None:
        return []
    columns = [
        getattr(hearing, name)
        for name in (
            "announced_at",
            "list_published_at",
            "report_published_at",
            "cancelled_at",
            "updated_at",
        )
        if hasattr(hearing, name)
    ]
    return [
        *db.session.execute(sa.select(sa.func.count(), *(sa.func.max(c) for c in columns))).one(),
        *db.session.execute(sa.select(sa.func.max(Decision.updated_at))).one(),
    ]


# -- the data dictionary ---------------------------------------------------------------------

GOV = Field("gov", "code", _l("The deciding government's short name (slug), e.g. chifeng."))
DECISION_ID = Field("decision_id", "integer", _l("Id of the decision item (see decisions)."))
URL = Field("url", "string", _l("Address (absolute URL) of the public page on this portal."))

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "decisions",
            _l("Decision items"),
            _l("Every public major administrative decision item, with its current stage."),
            (
                Field("id", "integer", _l("Id of the decision item; stable.")),
                Field("title", "string", _l("Name of the decision item.")),
                GOV,
                Field("gov_name", "string", _l("Name of the deciding government.")),
                Field("year", "integer", _l("Catalog year of the item.")),
                Field(
                    "category",
                    "code",
                    _l("Category of the decision item (PROC-3a)."),
                    _codes(labels.CATEGORY),
                ),
                Field(
                    "stage",
                    "code",
                    _l("Public stage of the procedure."),
                    _codes(labels.STAGE),
                ),
                Field("undertaking_unit", "string", _l("The department that drafts the item.")),
                Field("summary", "string", _l("Short description of the item.")),
                Field(
                    "consultation_opens_at",
                    "datetime",
                    _l("Start of the latest public consultation (empty: none)."),
                ),
                Field(
                    "consultation_closes_at",
                    "datetime",
                    _l("End of the latest public consultation (exclusive)."),
                ),
                Field(
                    "consultation_shortened_reason",
                    "string",
                    _l("Published reason when the consultation is shorter than 30 days."),
                ),
                Field("published_at", "datetime", _l("When the decision was published.")),
                Field("updated_at", "datetime", _l("When the stage last changed.")),
                URL,
            ),
            decision_rows,
            decision_state,
        ),
        Dataset(
            "catalog-entries",
            _l("Catalog entries"),
            _l(
                "Every entry of the published annual decision catalogs, including entries "
                "removed by a published adjustment."
            ),
            (
                GOV,
                Field("year", "integer", _l("Catalog year.")),
                Field("catalog_status", "code", _l("Catalog status."), _codes(CATALOG_STATUS)),
                Field("catalog_published_at", "datetime", _l("When the catalog was published.")),
                Field("catalog_filed_at", "datetime", _l("When the catalog was filed.")),
                Field("seq", "integer", _l("Number of the entry in the catalog.")),
                Field("title", "string", _l("Name of the decision item.")),
                Field("undertaking_unit", "string", _l("The undertaking department.")),
                Field(
                    "category",
                    "code",
                    _l("Category (empty for a non-disclosable entry)."),
                    _codes(labels.CATEGORY),
                ),
                Field("schedule", "string", _l("Planned time frame.")),
                Field("basis", "string", _l("Basis for listing the item.")),
                Field("notes", "string", _l("Remarks.")),
                Field(
                    "non_disclosable",
                    "boolean",
                    _l("Not disclosable by law: only the name and undertaking unit are public."),
                ),
                Field(
                    "decision_id",
                    "integer",
                    _l("Id of the public decision item (empty when there is none)."),
                ),
                Field("status", "code", _l("Whether the entry is listed."), _codes(ENTRY_STATUS)),
                Field(
                    "added_in_adjustment",
                    "integer",
                    _l("Version of the adjustment that added the entry."),
                ),
                Field(
                    "removed_in_adjustment",
                    "integer",
                    _l("Version of the adjustment that removed the entry."),
                ),
            ),
            catalog_entry_rows,
            catalog_state,
        ),
        Dataset(
            "catalog-adjustments",
            _l("Catalog adjustments"),
            _l("Published adjustments of the annual catalogs."),
            (
                GOV,
                Field("year", "integer", _l("Catalog year.")),
                Field("version", "integer", _l("Number of the adjustment (1, 2, ...).")),
                Field("description", "string", _l("What the adjustment changed and why.")),
                Field("approved_at", "datetime", _l("When the government approved it.")),
                Field("published_at", "datetime", _l("When it was published.")),
                Field("filed_at", "datetime", _l("When it was filed.")),
            ),
            catalog_adjustment_rows,
            catalog_state,
        ),
        Dataset(
            "opinions",
            _l("Published opinions"),
            _l(
                "Opinions from the public consultations, as published after moderation: "
                "telephone and ID numbers masked, names only with the author's consent, "
                "never contact details."
            ),
            (
                Field("id", "integer", _l("Id of the opinion.")),
                DECISION_ID,
                Field("decision_title", "string", _l("Name of the decision item.")),
                GOV,
                Field("submitted_at", "datetime", _l("When the opinion was submitted.")),
                Field("clause", "string", _l("Clause or section the opinion refers to.")),
                Field("theme", "string", _l("Theme under which the opinion was answered.")),
                Field("body", "string", _l("Text of the opinion as published.")),
                Field(
                    "display_name",
                    "string",
                    _l("Name of the author, only when the author agreed to publish it."),
                ),
                Field(
                    "adoption",
                    "code",
                    _l("How the opinion was handled."),
                    _codes(labels.ADOPTION),
                ),
                Field("response", "string", _l("The undertaking unit's answer.")),
                URL,
                Field(
                    "channel",
                    "code",
                    _l(
                        "How the opinion reached the undertaking unit: online, or received "
                        "offline and entered by staff (PART-6b/6c)."
                    ),
                    _codes(labels.OPINION_CHANNEL),
                ),
            ),
            opinion_rows,
            opinion_state,
        ),
        Dataset(
            "hearings",
            _l("Hearings and symposiums"),
            _l("Announced hearings and symposiums with their notice data."),
            (
                Field("id", "integer", _l("Id of the hearing.")),
                DECISION_ID,
                GOV,
                Field("kind", "code", _l("Kind of meeting."), _codes(HEARING_KIND)),
                Field("title", "string", _l("Title of the hearing.")),
                Field("subject", "string", _l("What the hearing is about.")),
                Field("starts_at", "datetime", _l("Start.")),
                Field("ends_at", "datetime", _l("End.")),
                Field("place", "string", _l("Place.")),
                Field("seats", "integer", _l("Number of participant seats.")),
                Field(
                    "selection_method",
                    "code",
                    _l("How participants are selected."),
                    _codes(SELECTION_METHOD),
                ),
                Field("registration_opens_at", "datetime", _l("Registration opens.")),
                Field("registration_closes_at", "datetime", _l("Registration closes.")),
                Field("announced_at", "datetime", _l("When the notice was published.")),
                Field(
                    "list_published_at", "datetime", _l("When the participant list was published.")
                ),
                Field("report_published_at", "datetime", _l("When the report was published.")),
                Field("cancelled_at", "datetime", _l("When the hearing was cancelled.")),
                URL,
            ),
            hearing_rows,
            hearing_state,
        ),
    )
}


# -- files -----------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(neutralise(value) if isinstance(value, str) else value)


def csv_chunks(dataset: Dataset) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(dataset.columns)
    yield "\ufeff" + _take(buffer)
    for count, row in enumerate(dataset.rows(), start=1):
        writer.writerow([_cell(row.get(name)) for name in dataset.columns])
        if count % BATCH == 0:
            yield _take(buffer)
    yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def json_chunks(dataset: Dataset) -> Iterator[str]:
    head = {
        "dataset": dataset.name,
        "license": data_licence(),
        "source": absolute("/data"),
        "fields": dataset.columns,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ',"items":['
    first = True
    for row in dataset.rows():
        item = {name: row.get(name) for name in dataset.columns}
        yield ("" if first else ",") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "]}\n"


FORMATS = {
    "csv": ("text/csv", csv_chunks),
    "json": ("application/json", json_chunks),
}


def validators(dataset: Dataset) -> tuple[str, datetime | None]:
    state = dataset.state()
    # The files hold absolute URLs and the licence: another host or licence is another file.
    etag = etag_of(dataset.name, [*state, public_base(), *data_licence().values()])
    modified = last_modified(v for v in state if isinstance(v, datetime))
    return etag, modified


@bp.route("/data/<name>.<fmt>", methods=["GET", "HEAD"])
def data_file(name: str, fmt: str):
    dataset = DATASETS.get(name)
    if dataset is None or fmt not in FORMATS:
        abort(404)
    etag, modified = validators(dataset)
    mimetype, chunks = FORMATS[fmt]
    if not_modified(etag, modified, weak=True):
        response = Response(status=304)
    else:
        response = Response(stream_with_context(chunks(dataset)), mimetype=mimetype)
        response.charset = "utf-8"
        if fmt == "csv":
            response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.set_etag(etag, weak=True)
    licence = data_licence()
    if licence["url"]:
        response.headers["Link"] = f'<{licence["url"]}>; rel="license"'
    if modified is not None:
        response.last_modified = modified
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


CORS_ENDPOINTS = frozenset(
    {"public.data_file", "public.feed_all", "public.feed_government", "public.feed_decision"}
)


@bp.after_request
def _downloads_cors(response: Response) -> Response:
    # Open data and feeds are readable from any origin (GET, HEAD and the OPTIONS preflight).
    if request.endpoint in CORS_ENDPOINTS:
        add_cors(response)
    return response


@bp.get("/data")
@cached_page
def data_page():
    return render_template(
        "public/data.html",
        datasets=list(DATASETS.values()),
        types=TYPES,
        licence=data_licence(),
    )
