"""Scope, forms, the provider directory, service types, the case section and demo data."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import render_template

from caseapp.audit.models import AuditEntry
from caseapp.cases.models import CaseStatus
from caseapp.cases.sections import SECTIONS
from caseapp.db import db
from caseapp.referrals.models import Provider, ProviderKind, Referral, ServiceType
from caseapp.referrals.models import ReferralState as S
from caseapp.referrals.services import SEED_SERVICE_TYPES, ensure_service_types, providers_for
from tests.referrals.conftest import make_provider


def _routes(rid: int, case_id: int) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("GET", f"/referrals/{rid}", {}),
        ("GET", f"/referrals/{rid}/edit", {}),
        ("POST", f"/referrals/{rid}/edit", {"reason": "x"}),
        ("POST", f"/referrals/{rid}/override", {"reason": "x"}),
        ("GET", f"/referrals/new/{case_id}", {}),
        ("POST", f"/referrals/new/{case_id}", {"reason": "x"}),
        *[("POST", f"/referrals/{rid}/action/{a}", {f"{a}-comment": "x"})
          for a in ("submit", "approve", "return", "send", "accept", "refuse", "receive",
                    "not_receive", "cancel")],
    ]


@pytest.mark.parametrize("who", ["counselor_b", "supervisor_b", "admin", "stats"])
def test_every_referral_route_is_404_outside_scope(world: Any, login_as: Any, who: str) -> None:
    r = world.referral(S.SUBMITTED)
    c = login_as(getattr(world, who))
    for method, url, data in _routes(r.id, world.case.id):
        resp = c.open(url, method=method, data=data)
        assert resp.status_code == 404, (who, method, url)
    db.session.expire_all()
    assert db.session.get(Referral, r.id).state == S.SUBMITTED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 1


@pytest.mark.parametrize("who", ["admin", "stats"])
def test_worklists_are_404_for_roles_without_case_data(world: Any, login_as: Any,
                                                       who: str) -> None:
    c = login_as(getattr(world, who))
    for url in ("/referrals/", "/referrals/review", "/referrals/high-risk"):
        assert c.get(url).status_code == 404


def test_review_lists_are_for_supervisors_only(world: Any, login_as: Any) -> None:
    c = login_as(world.counselor)
    assert c.get("/referrals/").status_code == 200
    # She works with referrals, so the supervisors' lists answer 403, not 404.
    assert c.get("/referrals/review").status_code == 403
    assert c.get("/referrals/high-risk").status_code == 403


def test_supervisor_of_parent_unit_sees_the_referral(world: Any, login_as: Any,
                                                     make: Any) -> None:
    boss = make.user("supervisor", world.root)
    r = world.referral()
    assert login_as(boss).get(f"/referrals/{r.id}").status_code == 200


# --- creating ----------------------------------------------------------------------------------

def _new_data(world: Any, **kw: str) -> dict[str, str]:
    data = {"service_type_id": str(world.health.id), "provider_id": str(world.provider.id),
            "provider_name": "", "reason": "needs a medical certificate", "urgency": "urgent",
            "referred_on": "14/06/2026", "follow_up_on": "21/06/2026", "notes": ""}
    data.update(kw)
    return data


def test_counselor_creates_a_draft(world: Any, login_as: Any) -> None:
    c = login_as(world.counselor)
    page = c.get(f"/referrals/new/{world.case.id}?service_type={world.health.id}")
    assert world.provider.name in page.get_data(as_text=True)
    resp = c.post(f"/referrals/new/{world.case.id}", data=_new_data(world))
    assert resp.status_code == 302
    r = db.session.scalar(sa.select(Referral))
    assert r.state == S.DRAFT and r.provider_id == world.provider.id
    assert r.reason == "needs a medical certificate"


@pytest.mark.parametrize(("change", "field"), [
    ({"reason": ""}, "reason"),
    ({"service_type_id": ""}, "service_type_id"),
    ({"referred_on": "16/06/2026"}, "referred_on"),       # in the future
    ({"referred_on": "32/01/2026"}, "referred_on"),
    ({"follow_up_on": "10/06/2026"}, "follow_up_on"),     # before the referral date
    ({"provider_id": "", "provider_name": ""}, "provider_name"),
    ({"provider_name": "Both given"}, "provider_name"),
    ({"provider_id": "99999"}, "provider_id"),
    ({"urgency": "whenever"}, "urgency"),
])
def test_invalid_input_shows_field_errors_and_writes_nothing(
        world: Any, login_as: Any, change: dict[str, str], field: str) -> None:
    c = login_as(world.counselor)
    audit_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    resp = c.post(f"/referrals/new/{world.case.id}",
                                          data=_new_data(world, **change))
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == audit_before


def test_provider_not_offering_the_service_is_refused(world: Any, login_as: Any) -> None:
    legal = db.session.scalar(sa.select(ServiceType).where(ServiceType.code == "legal_aid"))
    resp = login_as(world.counselor).post(
        f"/referrals/new/{world.case.id}",
        data=_new_data(world, service_type_id=str(legal.id)))
    assert resp.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 0


def test_off_directory_provider_by_name(world: Any, login_as: Any) -> None:
    resp = login_as(world.counselor).post(
        f"/referrals/new/{world.case.id}",
        data=_new_data(world, provider_id="", provider_name="Private clinic"))
    assert resp.status_code == 302
    r = db.session.scalar(sa.select(Referral))
    assert r.provider_id is None and r.provider_name == "Private clinic"


def test_no_new_referral_on_a_closed_case(world: Any, login_as: Any) -> None:
    world.case.status = CaseStatus.CLOSED
    db.session.commit()
    resp = login_as(world.counselor).post(f"/referrals/new/{world.case.id}",
                                          data=_new_data(world))
    assert resp.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 0


def test_referral_form_restores_missing_service_types(world: Any, login_as: Any) -> None:
    db.session.execute(sa.delete(ServiceType).where(ServiceType.code == "loan"))
    db.session.commit()
    assert login_as(world.counselor).get(f"/referrals/new/{world.case.id}").status_code == 200
    assert db.session.scalar(sa.select(ServiceType.id).where(ServiceType.code == "loan"))


# --- provider directory ----------------------------------------------------------------------

def test_directory_filters_by_service_type_and_area(world: Any, make: Any) -> None:
    legal = db.session.scalar(sa.select(ServiceType).where(ServiceType.code == "legal_aid"))
    sub = make.unit("PA1", parent=world.a)
    in_a = make_provider("Commune A clinic", ProviderKind.HEALTH, world.a, [world.health],
                         [world.a])
    in_b = make_provider("Commune B clinic", ProviderKind.HEALTH, world.b, [world.health],
                         [world.b])
    lawyer = make_provider("Legal aid center", ProviderKind.LEGAL_AID, world.root, [legal],
                           [world.root])
    below = make_provider("Branch clinic", ProviderKind.HEALTH, world.a, [world.health], [sub])
    closed = make_provider("Closed clinic", ProviderKind.HEALTH, world.a, [world.health],
                           [world.a], active=False)
    names = {p.name for p in providers_for(world.a, world.health.id)}
    assert names == {world.provider.name, in_a.name}
    assert {p.name for p in providers_for(world.a, legal.id)} == {lawyer.name}
    assert {p.name for p in providers_for(sub, world.health.id)} == {
        world.provider.name, in_a.name, below.name}
    assert in_b.name not in {p.name for p in providers_for(world.b, legal.id)}
    assert closed.name not in {p.name for p in providers_for(world.a)}


def test_counselor_reads_directory_but_cannot_edit(world: Any, login_as: Any) -> None:
    c = login_as(world.counselor)
    html = c.get("/referrals/providers").get_data(as_text=True)
    assert world.provider.name in html
    # She sees the directory, so the form she may not use answers 403; a provider she may
    # not maintain is out of her scope (404).
    assert c.get("/referrals/providers/new").status_code == 403
    assert c.get(f"/referrals/providers/{world.provider.id}/edit").status_code == 404


def _provider_data(world: Any, owner: Any, served: list[Any], **kw: Any) -> dict[str, Any]:
    data = {"name": "Commune health station", "kind": "health_facility",
            "owner_unit_id": str(owner.id), "service_type_ids": [str(world.health.id)],
            "unit_ids": [str(u.id) for u in served], "phone": "0299 123 456", "active": "y"}
    data.update(kw)
    return data


def test_supervisor_maintains_providers_of_her_subtree_only(world: Any, login_as: Any) -> None:
    c = login_as(world.supervisor)
    assert c.post("/referrals/providers/new",
                  data=_provider_data(world, world.a, [world.a])).status_code == 302
    p = db.session.scalar(sa.select(Provider).where(Provider.name == "Commune health station"))
    assert p.owner_unit_id == world.a.id and providers_for(world.a, world.health.id)
    # Owned by the province: not hers.
    assert c.get(f"/referrals/providers/{world.provider.id}/edit").status_code == 404
    # A unit outside her subtree cannot be chosen.
    resp = c.post("/referrals/providers/new",
                  data=_provider_data(world, world.b, [world.b], name="Elsewhere"))
    assert resp.status_code == 400
    assert db.session.scalar(sa.select(Provider.id).where(Provider.name == "Elsewhere")) is None
    # Deactivate her own provider: it leaves the counselors' choices.
    resp = c.post(f"/referrals/providers/{p.id}/edit",
                  data=_provider_data(world, world.a, [world.a], active=""))
    assert resp.status_code == 302
    assert p.id not in {x.id for x in providers_for(world.a, world.health.id)}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == "provider")) == 2


def test_admin_edits_any_provider(world: Any, login_as: Any) -> None:
    resp = login_as(world.admin).post(
        f"/referrals/providers/{world.provider.id}/edit",
        data=_provider_data(world, world.root, [world.root], name="Province hospital"))
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Provider, world.provider.id).name == "Province hospital"


def test_provider_needs_service_and_area(world: Any, login_as: Any) -> None:
    resp = login_as(world.admin).post("/referrals/providers/new", data=_provider_data(
        world, world.root, [], service_type_ids=[]))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'id="service_type_ids-error"' in html and 'id="unit_ids-error"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Provider)) == 1


# --- service types -----------------------------------------------------------------------------

def test_seed_is_idempotent_and_counts(app: Any) -> None:
    assert ensure_service_types() == len(SEED_SERVICE_TYPES)
    db.session.commit()
    assert ensure_service_types() == 0
    rows = db.session.scalars(sa.select(ServiceType)).all()
    assert {r.code for r in rows} == {c for c, *_ in SEED_SERVICE_TYPES}
    assert all(r.counts_toward_indicator and r.active for r in rows)


def test_admin_adds_retires_and_marks_non_counting(world: Any, login_as: Any) -> None:
    c = login_as(world.admin)
    resp = c.post("/referrals/service-types", data={
        "code": "mediation", "label_vi": "Hòa giải", "label_en": "Mediation",
        "counts_toward_indicator": "", "sort": "200"})
    assert resp.status_code == 302
    st = db.session.scalar(sa.select(ServiceType).where(ServiceType.code == "mediation"))
    assert st.active and not st.counts_toward_indicator
    # Duplicate code: a field error, nothing written.
    resp = c.post("/referrals/service-types", data={
        "code": "mediation", "label_vi": "x", "label_en": "x"})
    assert resp.status_code == 400 and 'id="code-error"' in resp.get_data(as_text=True)
    resp = c.post(f"/referrals/service-types/{world.health.id}/edit", data={
        "label_vi": "Y tế", "label_en": "Health care", "sort": "10"})
    assert resp.status_code == 302
    db.session.expire_all()
    health = db.session.get(ServiceType, world.health.id)
    assert health.code == "health" and not health.active and not health.counts_toward_indicator
    # Retired: no longer offered on the referral form.
    page = login_as(world.counselor).get(f"/referrals/new/{world.case.id}")
    assert f'value="{health.id}"' not in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == "service_type")) == 2


@pytest.mark.parametrize("who", ["counselor", "supervisor", "stats"])
def test_service_types_are_admin_only(world: Any, login_as: Any, who: str) -> None:
    c = login_as(getattr(world, who))
    assert c.get("/referrals/service-types").status_code == 404
    assert c.post(f"/referrals/service-types/{world.health.id}/edit",
                  data={"label_vi": "x", "label_en": "x"}).status_code == 404


def test_statistics_cannot_see_directory(world: Any, login_as: Any) -> None:
    assert login_as(world.stats).get("/referrals/providers").status_code == 404


# --- case section ----------------------------------------------------------------------------

def test_case_section_lists_referrals_in_fixed_queries(world: Any, app: Any, queries: Any,
                                                       login_as: Any) -> None:
    section = SECTIONS["referrals"]
    r1 = world.referral(S.DRAFT)
    world.referral(S.SENT, provider_id=None, provider_name="Village clinic")
    from flask_login import login_user

    from caseapp.auth.models import User

    with app.test_request_context():
        login_user(db.session.get(User, world.counselor.id))
        db.session.expire_all()
        with queries() as few:
            data = section.loader(world.case)
        for _ in range(8):
            world.referral(S.APPROVED)
        db.session.expire_all()
        with queries() as many:
            data = section.loader(world.case)
        assert len(few) == len(many)
        assert len(data["referrals"]) == 10
        html = render_template(section.template, case=world.case, section=data)
    assert "Village clinic" in html and world.provider.name in html
    assert f"/referrals/{r1.id}/action/submit" in html
    assert f"/referrals/new/{world.case.id}" in html


# --- demo ------------------------------------------------------------------------------------

def test_demo_without_cases_creates_no_referrals(app: Any) -> None:
    from caseapp.demo import seed_units
    from caseapp.referrals.demo import seed_demo_referrals

    seed_units()
    assert seed_demo_referrals() == 0
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Provider)) > 0


def test_demo_seeds_every_state_and_is_safe_to_rerun(app: Any, make: Any) -> None:
    from caseapp.demo import seed_units
    from caseapp.referrals.demo import seed_demo_referrals
    from caseapp.units.services import get_by_code

    seed_units()
    unit = get_by_code("AL-LP-X1")
    for _ in range(3):
        make.case(unit)
    assert seed_demo_referrals() == len(S)
    db.session.commit()
    providers = db.session.scalar(sa.select(sa.func.count()).select_from(Provider))
    assert seed_demo_referrals() == 0
    db.session.commit()
    states = set(db.session.scalars(sa.select(Referral.state)))
    assert states == set(S)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Provider)) == providers
    received = db.session.scalar(sa.select(Referral).where(Referral.state == S.RECEIVED))
    assert received.received_on is not None and received.received_on >= received.referred_on
