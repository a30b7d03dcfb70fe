"""Builders for test data: each returns a saved object with sensible defaults."""

from __future__ import annotations

import functools
import itertools
from datetime import date
from typing import Any

from flask import current_app

from caseapp.auth.models import Role, User
from caseapp.auth.passwords import hash_password
from caseapp.cases.models import Case, CaseCategory, CaseStatus
from caseapp.clients.models import Client, Sex
from caseapp.consents.models import Consent, ConsentGiver, ConsentPurpose
from caseapp.db import db
from caseapp.referrals.models import Referral, ReferralState, ServiceType
from caseapp.units import services as units
from caseapp.units.models import Unit

_seq = itertools.count(1)


def _password_hash(password: str) -> str:
    # Hashing is deliberately slow; tests create many users with the same few passwords.
    params = tuple(sorted(current_app.config["PASSWORD_HASH_PARAMS"].items()))
    return _cached_hash(password, params)


@functools.cache
def _cached_hash(password: str, _params: tuple[tuple[str, int], ...]) -> str:
    return hash_password(password)


class Factory:
    PASSWORD = "correct horse battery staple"

    def unit(self, code: str | None = None, parent: Unit | None = None,
             kind: str = "commune", name: str | None = None) -> Unit:
        units.ensure_default_kinds()
        code = code or f"U{next(_seq)}"
        # Units in tests exist since the term began, so history can be merged or retired.
        unit = units.create_unit(code, name or f"Unit {code}", kind, parent,
                                 active_from=date(2021, 1, 1))
        db.session.commit()
        return unit

    def user(self, role: str | Role = Role.COUNSELOR, unit: Unit | None = None,
             username: str | None = None, **kw: Any) -> User:
        unit = unit or self.unit()
        role = Role(role)
        user = User(
            username=username or f"{role.value}{next(_seq)}",
            full_name=kw.pop("full_name", "Nguyễn Thị Test"),
            role=role,
            unit_id=unit.id,
            password_hash=_password_hash(kw.pop("password", self.PASSWORD)),
            **kw,
        )
        db.session.add(user)
        db.session.commit()
        return user

    def client(self, unit: Unit, **kw: Any) -> Client:
        n = next(_seq)
        kw.setdefault("sex", Sex.FEMALE)
        c = Client(code=kw.pop("code", f"KH.{unit.code}.{n:05d}"), unit_id=unit.id, **kw)
        db.session.add(c)
        db.session.commit()
        return c

    def case(self, unit: Unit, client: Client | None = None, **kw: Any) -> Case:
        n = next(_seq)
        client = client or self.client(unit)
        kw.setdefault("category", CaseCategory.DV)
        kw.setdefault("detected_on", date(2026, 3, 1))
        kw.setdefault("opened_on", kw["detected_on"])
        kw.setdefault("status", CaseStatus.OPEN)
        c = Case(code=kw.pop("code", f"HS.{unit.code}.{n:05d}"), unit_id=unit.id,
                 client_id=client.id, **kw)
        db.session.add(c)
        db.session.commit()
        return c

    def consent(self, client: Client, purpose: ConsentPurpose = ConsentPurpose.SHARE,
                **kw: Any) -> Consent:
        kw.setdefault("given_by", ConsentGiver.CLIENT)
        kw.setdefault("given_on", date(2026, 3, 1))
        c = Consent(client_id=client.id, purpose=purpose, **kw)
        db.session.add(c)
        db.session.commit()
        return c

    def service_type(self, code: str = "health", counts: bool = True) -> ServiceType:
        st = db.session.query(ServiceType).filter_by(code=code).one_or_none()
        if st is None:
            st = ServiceType(code=code, label_vi=code, label_en=code,
                             counts_toward_indicator=counts)
            db.session.add(st)
            db.session.commit()
        return st

    def referral(self, case: Case, state: ReferralState = ReferralState.DRAFT,
                 service: str = "health", **kw: Any) -> Referral:
        st = self.service_type(service)
        kw.setdefault("referred_on", case.detected_on)
        r = Referral(case_id=case.id, unit_id=case.unit_id, service_type_id=st.id, state=state,
                     **kw)
        db.session.add(r)
        db.session.commit()
        return r
