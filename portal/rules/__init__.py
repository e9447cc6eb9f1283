"""The statutory procedure as code.

This package is pure Python: it imports nothing from Flask, SQLAlchemy, WTForms or Whoosh
(``tests/rules/test_purity.py`` asserts it). Every gate and deadline cites its rule ID from
``shared/spec/rules.md``.
"""

from portal.rules.errors import N_, RuleViolation
from portal.rules.ids import cite

__all__ = ["N_", "RuleViolation", "cite"]
