from __future__ import annotations

import pytest

from tests.factories import Factory
from tests.orgtree import Org, build_org


@pytest.fixture
def org(make: Factory) -> Org:
    return build_org(make)
