"""RuleViolation: the one exception a statutory gate raises."""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:  # gettext naming convention
    """Mark a message for extraction by pybabel without translating it here.

    The rules layer cannot import Flask-Babel; the web layer translates ``message`` with
    ``gettext(message, **params)`` when it shows the violation.
    """
    return message


class RuleViolation(Exception):  # a domain term, not an "Error" suffix
    """A transition or record the rules forbid.

    ``rule`` is a rule ID such as ``PROC-17b``; ``message`` is an English msgid marked with
    ``N_`` and formatted with ``params`` (``%(name)s`` placeholders) after translation.
    ``field`` names the form/API field at fault, when there is one.
    """

    def __init__(self, rule: str, message: str, *, field: str | None = None, **params: Any) -> None:
        self.rule = rule  # "" for a plain input error raised outside the rules
        self.message = message
        self.field = field
        self.params = params
        super().__init__(f"[{rule}] {self.render()}")

    def render(self, translate=None) -> str:
        """The message with its parameters, translated when ``translate`` is given."""
        text = translate(self.message) if translate else self.message
        try:
            return text % self.params if self.params else text
        except (KeyError, ValueError, TypeError):
            return text
