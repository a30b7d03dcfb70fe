"""The case-records world fixture."""

from tests.records.world import world  # noqa: F401
