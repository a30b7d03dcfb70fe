"""The case-records fixtures."""

from tests.records.world import _user_per_request, world  # noqa: F401
