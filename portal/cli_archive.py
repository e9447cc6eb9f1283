"""``flask portal archive-decision``: write a decision's archive package (PROC-39a)."""

from __future__ import annotations

from pathlib import Path

import click

from portal import clock
from portal.cli import portal_cli
from portal.extensions import db


@portal_cli.command("archive-decision")
@click.argument("decision_id", type=int)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Where to write the zip (default: decision-ID-archive-DATE.zip here).",
)
def archive_decision(decision_id: int, out: Path | None) -> None:
    """Write the archive package (zip) of decision ID and record the export in the audit log."""
    from portal.models.decision import Decision
    from portal.services.archive import build_archive, sha256

    decision = db.session.get(Decision, decision_id)
    if decision is None:
        raise click.ClickException(f"no decision with id {decision_id}")
    now = clock.now()
    data = build_archive(decision, actor="cli", now=now)
    path = out or Path(f"decision-{decision.id}-archive-{clock.local_today().isoformat()}.zip")
    try:
        path.write_bytes(data)
    except OSError as exc:
        db.session.rollback()
        raise click.ClickException(f"cannot write {path}: {exc}") from exc
    db.session.commit()
    click.echo(f"Wrote {path} ({len(data)} bytes, SHA-256 {sha256(data)}).")
