"""Changes to a published decision: suspension, resumption, adjustment, termination (PROC-45)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import StrEnumType


class DecisionChangeKind(StrEnum):
    SUSPENSION = "suspension"  # PROC-45b: by the executive head
    RESUMPTION = "resumption"  # A24 follow-up
    ADJUSTMENT = "adjustment"  # PROC-45a
    MAJOR_ADJUSTMENT = "major_adjustment"  # PROC-45c: a new procedure
    TERMINATION = "termination"  # PROC-45a


class DecisionChange(db.Model):
    __tablename__ = "decision_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    kind: Mapped[DecisionChangeKind] = mapped_column(StrEnumType(DecisionChangeKind, 30))
    decided_on: Mapped[date] = mapped_column(sa.Date)
    decided_by_executive_head: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    collective_decision_ref: Mapped[str] = mapped_column(sa.String(100), default="")
    new_decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decisions.id"))
