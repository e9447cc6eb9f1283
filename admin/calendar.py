"""Back-office screens (being written)."""

from admin import bp  # noqa: F401
