"""RuleViolation: the one refusal type of the portal.

A service (or a rule function) that refuses a change raises one ``RuleViolation``; when several
rules are at fault at once, the first carries the others (``violations``), so that a form shows
every problem together. Nothing else is raised for a refusal: views catch ``RuleViolation`` only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def N_(message: str) -> str:  # gettext naming convention
    """Mark a message for extraction by pybabel without translating it here.

    The rules layer cannot import Flask-Babel; the web layer translates ``message`` with
    ``gettext(message, **params)`` when it shows the violation.
    """
    return message


class RuleViolation(Exception):  # a domain term, not an "Error" suffix
    """A transition or record the rules forbid.

    ``rule`` is a rule ID such as ``PROC-17b`` ("" for a plain input error that no statutory
    rule names); ``message`` is an English msgid marked with ``N_`` and formatted with
    ``params`` (``%(name)s`` placeholders) after translation. ``field`` names the form/API
    field at fault, when there is one. ``violations`` lists every problem of the refusal: this
    one first, then the others found in the same check.
    """

    def __init__(self, rule: str, message: str, *, field: str | None = None, **params: Any) -> None:
        self.rule = rule
        self.message = message
        self.field = field
        self.params = params
        self.others: tuple[RuleViolation, ...] = ()
        super().__init__(f"[{rule}] {self.render()}")

    @property
    def violations(self) -> list[RuleViolation]:
        return [self, *self.others]

    @classmethod
    def of(cls, violations: Iterable[RuleViolation]) -> RuleViolation:
        """One refusal for several violations (at least one): a copy of the first, carrying
        the rest (the originals are not changed)."""
        found = list(violations)
        if not found:
            raise ValueError("RuleViolation.of needs at least one violation")
        head = found[0]
        refusal = cls(head.rule, head.message, field=head.field, **head.params)
        refusal.others = (*head.others, *(v for item in found[1:] for v in item.violations))
        return refusal

    def render(self, translate=None) -> str:
        """The message with its parameters, translated when ``translate`` is given."""
        text = translate(self.message) if translate else self.message
        try:
            return text % self.params if self.params else text
        except (KeyError, ValueError, TypeError):
            return text


def refuse(violations: Iterable[RuleViolation]) -> None:
    """Raise one ``RuleViolation`` carrying every violation given; do nothing when none."""
    found = list(violations)
    if found:
        raise RuleViolation.of(found)


def input_error(message: str, field: str | None = None, **params: Any) -> RuleViolation:
    """A problem with what was typed that no statutory rule names (shown without a rule ID)."""
    return RuleViolation("", message, field=field, **params)
