from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.consents.models import Consent, ConsentGiver, ConsentPurpose
from caseapp.consents.services import active_consent
from caseapp.db import db
from caseapp.referrals.models import Provider, ProviderKind
from tests.records.world import World, audits


def _provider(unit_id: int, name: str) -> Provider:
    p = Provider(name=name, kind=ProviderKind.HEALTH, owner_unit_id=unit_id)
    db.session.add(p)
    db.session.commit()
    return p


def _post(c: Any, case_id: int, **over: Any) -> Any:
    data = {"purpose": "share", "given_by": "client", "guardian_name": "",
            "given_on": "01/06/2026", "provider_id": "", "shared_fields": ["phone"]}
    data.update(over)
    return c.post(f"/consents/new/{case_id}", data=data)


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Consent.id))) or 0


def test_a_child_needs_a_guardian(world: World, make: Any, login_as: Any) -> None:
    child = make.client(world.a)
    child.birth_date = date(2012, 9, 1)  # 13 years old
    db.session.commit()
    case = make.case(world.a, client=child)
    c = login_as(world.counselor_a)
    resp = _post(c, case.id)
    assert resp.status_code == 400 and "guardian" in resp.get_data(as_text=True)
    assert _count() == 0
    assert _post(c, case.id, given_by="guardian").status_code == 400  # no guardian name
    assert _count() == 0
    assert _post(c, case.id, given_by="guardian", guardian_name="Bà Tư").status_code == 302
    consent = db.session.scalar(sa.select(Consent))
    assert consent.given_by == ConsentGiver.GUARDIAN
    raw = db.session.execute(sa.text("SELECT guardian_name FROM consents")).scalar_one()
    assert "Tư" not in raw


@pytest.mark.parametrize("kw", [{"birth_year": 2013}, {"approx_age": 12}])
def test_child_by_birth_year_or_approximate_age(world: World, make: Any, login_as: Any,
                                               kw: dict) -> None:
    case = make.case(world.a, client=make.client(world.a, **kw))
    assert _post(login_as(world.counselor_a), case.id).status_code == 400
    assert _count() == 0


def test_adult_or_unknown_age_may_consent_herself(world: World, make: Any,
                                                  login_as: Any) -> None:
    c = login_as(world.counselor_a)
    assert _post(c, world.case.id).status_code == 302  # age unknown
    adult = make.case(world.a, client=make.client(world.a, approx_age=30))
    assert _post(c, adult.id).status_code == 302
    assert _count() == 2
    entry = audits("consent.create")[0]
    assert entry.unit_id == world.a.id and "fields: phone" in entry.summary


def test_future_date_refused(world: World, login_as: Any) -> None:
    assert _post(login_as(world.counselor_a), world.case.id,
                 given_on="16/06/2026").status_code == 400
    assert _count() == 0


def test_withdrawal_keeps_the_record_and_closes_the_gate(world: World, make: Any,
                                                         login_as: Any) -> None:
    consent = make.consent(world.case.client, ConsentPurpose.SHARE)
    assert active_consent(world.case.client_id, "share") is not None
    c = login_as(world.counselor_a)
    resp = c.post(f"/consents/{consent.id}/withdraw?case={world.case.id}",
                  data={"withdrawn_on": "10/06/2026"})
    assert resp.status_code == 302
    db.session.expire_all()
    row = db.session.get(Consent, consent.id)
    assert row is not None and row.withdrawn_on == date(2026, 6, 10)
    assert row.withdrawn_by_id == world.counselor_a.id
    assert active_consent(world.case.client_id, "share") is None
    assert len(audits("consent.withdraw")) == 1
    # Withdrawing twice or before it was given is refused.
    again = c.post(f"/consents/{consent.id}/withdraw", data={"withdrawn_on": "11/06/2026"})
    assert again.status_code == 400


def test_withdrawal_before_given_is_refused(world: World, make: Any, login_as: Any) -> None:
    consent = make.consent(world.case.client, given_on=date(2026, 6, 1))
    resp = login_as(world.counselor_a).post(f"/consents/{consent.id}/withdraw",
                                            data={"withdrawn_on": "01/05/2026"})
    assert resp.status_code == 400
    db.session.expire_all()
    assert db.session.get(Consent, consent.id).withdrawn_on is None


def test_active_consent_semantics(world: World, make: Any) -> None:
    client = world.case.client
    p1, p2 = _provider(world.a.id, "Trạm y tế"), _provider(world.a.id, "Trung tâm TGPL")
    specific = make.consent(client, ConsentPurpose.SHARE, provider_id=p1.id)
    assert active_consent(client.id, ConsentPurpose.SHARE, p1.id) == specific
    assert active_consent(client.id, ConsentPurpose.SHARE, p2.id) is None
    assert active_consent(client.id, ConsentPurpose.SHARE) is None  # not for any provider
    assert active_consent(client.id, ConsentPurpose.REPORTING) is None
    general = make.consent(client, ConsentPurpose.SHARE)
    assert active_consent(client.id, ConsentPurpose.SHARE, p2.id) == general
    assert active_consent(client.id, ConsentPurpose.SHARE, p1.id) == specific  # preferred
    assert active_consent(client.id, ConsentPurpose.SHARE) == general
    specific.withdrawn_on = date(2026, 6, 2)
    db.session.commit()
    assert active_consent(client.id, ConsentPurpose.SHARE, p1.id) == general
    # A consent dated in the future is not yet active.
    make.consent(client, ConsentPurpose.REPORTING, given_on=date(2026, 7, 1))
    assert active_consent(client.id, ConsentPurpose.REPORTING) is None
    other = make.case(world.a)
    assert active_consent(other.client_id, ConsentPurpose.SHARE, p1.id) is None
