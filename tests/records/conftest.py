"""The case-records fixtures."""

from tests.records.world import world  # noqa: F401
