"""A small province for referral tests: a root unit with two communes, users of every role,
a case in commune A with the client's consent to share, and a directory provider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.consents.models import Consent
from caseapp.db import db
from caseapp.referrals.models import (
    Provider,
    ProviderKind,
    Referral,
    ReferralState,
    ServiceType,
    provider_units,
)
from caseapp.referrals.services import ensure_service_types
from caseapp.units.models import Unit
from tests.factories import Factory


@dataclass
class World:
    make: Factory
    root: Unit
    a: Unit
    b: Unit
    counselor: User
    counselor2: User
    supervisor: User
    counselor_b: User
    supervisor_b: User
    admin: User
    stats: User
    case: Case
    consent: Consent
    provider: Provider
    health: ServiceType

    def referral(self, state: ReferralState = ReferralState.DRAFT, case: Case | None = None,
                 **kw: Any) -> Referral:
        kw.setdefault("created_by_id", self.counselor.id)
        kw.setdefault("provider_id", self.provider.id)
        kw.setdefault("referred_on", date(2026, 6, 1))
        kw.setdefault("reason", "needs care")
        if state in (ReferralState.SENT, ReferralState.ACCEPTED):
            kw.setdefault("sent_on", date(2026, 6, 2))
        return self.make.referral(case or self.case, state, service="health", **kw)


def make_provider(name: str, kind: ProviderKind, owner: Unit, types: list[ServiceType],
                  served: list[Unit], active: bool = True) -> Provider:
    p = Provider(name=name, kind=kind, owner_unit_id=owner.id, service_types=types,
                 active=active)
    db.session.add(p)
    db.session.flush()
    db.session.execute(sa.insert(provider_units),
                       [{"provider_id": p.id, "unit_id": u.id} for u in served])
    db.session.commit()
    return p


@pytest.fixture
def world(make: Factory) -> World:
    ensure_service_types()
    db.session.commit()
    health = db.session.scalar(sa.select(ServiceType).where(ServiceType.code == "health"))
    root = make.unit("P", kind="province")
    a = make.unit("PA", parent=root)
    b = make.unit("PB", parent=root)
    case = make.case(a)
    provider = make_provider("District hospital", ProviderKind.HEALTH, root, [health], [root])
    return World(
        make=make, root=root, a=a, b=b,
        counselor=make.user("counselor", a, username="cns_a"),
        counselor2=make.user("counselor", a, username="cns_a2"),
        supervisor=make.user("supervisor", a, username="sup_a"),
        counselor_b=make.user("counselor", b, username="cns_b"),
        supervisor_b=make.user("supervisor", b, username="sup_b"),
        admin=make.user("admin", root, username="adm"),
        stats=make.user("statistics", root, username="stat"),
        case=case,
        consent=make.consent(case.client),
        provider=provider,
        health=health,
    )
