"""What a stage screen shows about a record that locks: whether it is locked now, since when,
who corrects it, whether the current user may, and the corrections made so far (display only;
the writers check the same locks in ``records.update_record``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from portal.models.correction import Correction
from portal.models.decision import Decision
from portal.rules.locks import Corrector, RecordGroup
from portal.services import corrections, locks


@dataclass(frozen=True)
class LockState:
    locked: bool = False
    since: date | None = None
    corrector: Corrector | None = None
    may_correct: bool = False  # the user holds the corrector's role (and nothing is archived)
    archived: bool = False  # PROC-39a: the archive is complete, no correction any more


def lock_state(record, fields: Iterable[str], decision: Decision, actor) -> LockState:
    fields = list(fields)
    archived = locks.is_frozen_by_archive(record, fields, decision)
    lock = locks.lock_of(record, fields, decision)
    if lock is None and not archived:
        return LockState()
    corrector = lock.rule.corrector if lock is not None else None
    return LockState(
        locked=True,
        since=lock.since if lock is not None else None,
        corrector=corrector,
        may_correct=not archived
        and corrector is not None
        and corrector in corrections.corrector_roles(actor),
        archived=archived,
    )


def corrections_in(decision: Decision, *groups: RecordGroup) -> list[Correction]:
    """The corrections of these record groups of the decision, oldest first."""
    wanted = {str(g) for g in groups}
    return [c for c in corrections.corrections_of(decision) if str(c.group) in wanted]
