"""A small union tree shared by the client and case tests.

P (province) ─ D (district) ─ A (commune), B (commune); P ─ C (commune).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.clients.models import Client
from caseapp.crypto import name_index, phone_index
from caseapp.units.models import Unit
from tests.factories import Factory


@dataclass
class Org:
    p: Unit
    d: Unit
    a: Unit
    b: Unit
    c: Unit
    counselor_a: User
    counselor_a2: User
    counselor_b: User
    sup_a: User
    sup_b: User
    sup_d: User
    sup_p: User
    stats: User
    admin: User


def build_org(make: Factory) -> Org:
    p = make.unit("P", kind="province")
    d = make.unit("D", parent=p, kind="district")
    a = make.unit("A", parent=d)
    b = make.unit("B", parent=d)
    c = make.unit("C", parent=p)
    return Org(
        p=p, d=d, a=a, b=b, c=c,
        counselor_a=make.user("counselor", a, "co_a", full_name="Counselor A"),
        counselor_a2=make.user("counselor", a, "co_a2", full_name="Counselor A2"),
        counselor_b=make.user("counselor", b, "co_b"),
        sup_a=make.user("supervisor", a, "sup_a"),
        sup_b=make.user("supervisor", b, "sup_b"),
        sup_d=make.user("supervisor", d, "sup_d"),
        sup_p=make.user("supervisor", p, "sup_p"),
        stats=make.user("statistics", p, "stats"),
        admin=make.user("admin", p, "admin"),
    )


def identified_client(make: Factory, unit: Unit, name: str | None = None,
                      phone: str | None = None, **kw: Any) -> Client:
    return make.client(unit, full_name=name, name_bidx=name_index(name), phone=phone,
                       phone_bidx=phone_index(phone), **kw)


def a_case(make: Factory, unit: Unit, **kw: Any) -> Case:
    kw.setdefault("detected_on", date(2026, 3, 1))
    return make.case(unit, **kw)
