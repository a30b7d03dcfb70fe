"""Consent gate, self-approval, union-service review skip, required outcome fields,
history and audit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.audit.models import AuditEntry
from caseapp.db import db
from caseapp.referrals.models import (
    NotReceivedReason,
    ProviderKind,
    Referral,
    ReferralEvent,
)
from caseapp.referrals.models import ReferralState as S
from caseapp.referrals.services import overrides
from caseapp.referrals.workflow import (
    apply_transition,
    has_share_consent,
    record_override,
)
from caseapp.settings.services import set_setting
from caseapp.transaction import UserError
from tests.referrals.conftest import make_provider


def _state(r: Referral) -> S:
    db.session.expire_all()
    return db.session.get(Referral, r.id).state


# --- consent gate ----------------------------------------------------------------------------

def test_submit_without_consent_is_refused(world: Any, login_as: Any) -> None:
    case = world.make.case(world.a)
    r = world.referral(case=case)
    with pytest.raises(UserError, match="consent"):
        apply_transition(r, "submit", world.counselor)
    db.session.rollback()
    assert _state(r) == S.DRAFT
    resp = login_as(world.counselor).post(f"/referrals/{r.id}/action/submit")
    assert resp.status_code == 409
    assert "consent" in resp.get_data(as_text=True)
    assert _state(r) == S.DRAFT


def test_withdrawn_consent_does_not_count(world: Any) -> None:
    world.consent.withdrawn_on = date(2026, 6, 5)
    db.session.commit()
    r = world.referral()
    with pytest.raises(UserError):
        apply_transition(r, "submit", world.counselor)
    db.session.rollback()
    assert _state(r) == S.DRAFT


def test_consent_for_another_provider_does_not_count(world: Any) -> None:
    case = world.make.case(world.a)
    other = make_provider("Other clinic", ProviderKind.HEALTH, world.root, [world.health],
                          [world.root])
    world.make.consent(case.client, provider_id=other.id)
    r = world.referral(case=case)
    assert not has_share_consent(case.client_id, world.provider.id)
    with pytest.raises(UserError):
        apply_transition(r, "submit", world.counselor)
    db.session.rollback()
    assert _state(r) == S.DRAFT


def test_consent_for_this_provider_counts(world: Any) -> None:
    case = world.make.case(world.a)
    world.make.consent(case.client, provider_id=world.provider.id)
    r = world.referral(case=case)
    apply_transition(r, "submit", world.counselor)
    assert _state(r) == S.SUBMITTED


def test_consent_for_any_provider_counts_also_off_directory(world: Any) -> None:
    r = world.referral(provider_id=None, provider_name="Village clinic")
    apply_transition(r, "submit", world.counselor)
    assert _state(r) == S.SUBMITTED


def test_consent_for_a_named_provider_does_not_cover_an_off_directory_one(world: Any) -> None:
    case = world.make.case(world.a)
    world.make.consent(case.client, provider_id=world.provider.id)
    r = world.referral(case=case, provider_id=None, provider_name="Village clinic")
    with pytest.raises(UserError):
        apply_transition(r, "submit", world.counselor)


def test_consent_of_another_purpose_does_not_count(world: Any) -> None:
    from caseapp.consents.models import ConsentPurpose

    case = world.make.case(world.a)
    world.make.consent(case.client, purpose=ConsentPurpose.REPORTING)
    assert not has_share_consent(case.client_id, world.provider.id)


def test_supervisor_override_lets_submit_through_and_is_audited_and_listed(
        world: Any, login_as: Any) -> None:
    case = world.make.case(world.a)
    r = world.referral(case=case)
    c = login_as(world.supervisor)
    assert "Record override" in c.get(f"/referrals/{r.id}").get_data(as_text=True)
    resp = c.post(f"/referrals/{r.id}/override", data={"reason": "Immediate danger tonight"})
    assert resp.status_code == 302
    db.session.expire_all()
    r = db.session.get(Referral, r.id)
    assert r.consent_override and r.override_by_id == world.supervisor.id
    assert r.override_reason == "Immediate danger tonight"
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "referral.consent_override", AuditEntry.object_id == r.id))
    assert entry is not None and "danger" not in entry.summary
    apply_transition(r, "submit", world.counselor)
    assert _state(r) == S.SUBMITTED
    assert [row.referral.id for row, _who in overrides(world.supervisor)] == [r.id]
    page = c.get("/referrals/review").get_data(as_text=True)
    assert case.code in page


def test_override_needs_a_reason(world: Any, login_as: Any) -> None:
    r = world.referral()
    resp = login_as(world.supervisor).post(f"/referrals/{r.id}/override", data={"reason": ""})
    assert resp.status_code == 400
    db.session.expire_all()
    assert not db.session.get(Referral, r.id).consent_override


def test_counselor_cannot_override(world: Any, login_as: Any) -> None:
    r = world.referral()
    c = login_as(world.counselor)
    assert "Record override" not in c.get(f"/referrals/{r.id}").get_data(as_text=True)
    resp = c.post(f"/referrals/{r.id}/override", data={"reason": "Immediate danger"})
    assert resp.status_code == 403  # refused on the role, before the form is read
    with pytest.raises(UserError):
        record_override(r, world.counselor, "Immediate danger")
    db.session.rollback()
    db.session.expire_all()
    assert not db.session.get(Referral, r.id).consent_override
    assert overrides(world.supervisor).items == []


# --- self-approval -----------------------------------------------------------------------------

def test_supervisor_cannot_approve_own_draft_by_default(world: Any, login_as: Any) -> None:
    r = world.referral(S.SUBMITTED, created_by_id=world.supervisor.id)
    for action in ("approve", "return"):
        with pytest.raises(UserError, match="yourself"):
            apply_transition(r, action, world.supervisor, comment="x")
        db.session.rollback()
    c = login_as(world.supervisor)
    assert "/action/approve" not in c.get(f"/referrals/{r.id}").get_data(as_text=True)
    assert c.post(f"/referrals/{r.id}/action/approve").status_code == 409
    assert _state(r) == S.SUBMITTED


def test_self_approval_setting_allows_it(world: Any) -> None:
    set_setting("allow_self_approval", True)
    db.session.commit()
    r = world.referral(S.SUBMITTED, created_by_id=world.supervisor.id)
    apply_transition(r, "approve", world.supervisor)
    assert _state(r) == S.APPROVED


def test_another_supervisor_approves_a_supervisors_draft(world: Any, make: Any) -> None:
    boss = make.user("supervisor", world.root)
    r = world.referral(S.SUBMITTED, created_by_id=world.supervisor.id)
    apply_transition(r, "approve", boss)
    assert _state(r) == S.APPROVED


def test_supervisor_of_another_branch_cannot_review(world: Any) -> None:
    r = world.referral(S.SUBMITTED)
    with pytest.raises(UserError):
        apply_transition(r, "approve", world.supervisor_b)
    db.session.rollback()
    assert _state(r) == S.SUBMITTED


# --- union's own service -------------------------------------------------------------------

def _union_referral(world: Any) -> Referral:
    own = make_provider("Union counseling", ProviderKind.UNION_SERVICE, world.root,
                        [world.health], [world.root])
    return world.referral(provider_id=own.id)


def test_union_service_goes_through_review_by_default(world: Any) -> None:
    r = _union_referral(world)
    apply_transition(r, "submit", world.counselor)
    assert _state(r) == S.SUBMITTED


def test_union_service_skips_review_when_the_setting_allows(world: Any) -> None:
    set_setting("skip_review_for_union_service", True)
    db.session.commit()
    r = _union_referral(world)
    apply_transition(r, "submit", world.counselor)
    assert _state(r) == S.APPROVED
    ev = db.session.scalars(sa.select(ReferralEvent).where(ReferralEvent.referral_id == r.id)
                            .order_by(ReferralEvent.id.desc())).first()
    assert (ev.from_state, ev.to_state) == (S.DRAFT, S.APPROVED)


def test_skip_setting_does_not_apply_to_other_providers(world: Any) -> None:
    set_setting("skip_review_for_union_service", True)
    db.session.commit()
    r = world.referral()
    apply_transition(r, "submit", world.counselor)
    assert _state(r) == S.SUBMITTED


# --- required outcome fields ---------------------------------------------------------------

def test_received_requires_the_date(world: Any, login_as: Any) -> None:
    r = world.referral(S.ACCEPTED)
    with pytest.raises(UserError) as exc:
        apply_transition(r, "receive", world.counselor)
    assert exc.value.field == "on_date"
    db.session.rollback()
    resp = login_as(world.counselor).post(f"/referrals/{r.id}/action/receive",
                                          data={"receive-on_date": ""})
    assert resp.status_code == 400
    assert _state(r) == S.ACCEPTED


@pytest.mark.parametrize(("typed", "ok"), [
    ("16/06/2026", False),  # tomorrow (the test clock is 15/06/2026)
    ("31/05/2026", False),  # before the referral date
    ("01/06/2026", False),  # before the date it was sent (02/06)
    ("15/06/2026", True),
    ("2026-06-03", True),
    ("3/13/2026", False),
])
def test_received_date_rules(world: Any, login_as: Any, typed: str, ok: bool) -> None:
    r = world.referral(S.ACCEPTED)
    resp = login_as(world.counselor).post(f"/referrals/{r.id}/action/receive",
                                          data={"receive-on_date": typed})
    db.session.expire_all()
    r = db.session.get(Referral, r.id)
    if ok:
        assert resp.status_code == 302 and r.state == S.RECEIVED and r.received_on
    else:
        assert resp.status_code == 400 and r.state == S.ACCEPTED and r.received_on is None


def test_not_received_requires_a_reason(world: Any, login_as: Any) -> None:
    r = world.referral(S.SENT)
    with pytest.raises(UserError) as exc:
        apply_transition(r, "not_receive", world.counselor)
    assert exc.value.field == "not_received_reason"
    db.session.rollback()
    c = login_as(world.counselor)
    assert c.post(f"/referrals/{r.id}/action/not_receive").status_code == 400
    assert c.post(f"/referrals/{r.id}/action/not_receive",
                  data={"not_receive-not_received_reason": "bogus"}).status_code == 400
    # "Other" needs an explanation.
    assert c.post(f"/referrals/{r.id}/action/not_receive",
                  data={"not_receive-not_received_reason": "other"}).status_code == 400
    assert _state(r) == S.SENT
    resp = c.post(f"/referrals/{r.id}/action/not_receive",
                  data={"not_receive-not_received_reason": "client_unreachable"})
    assert resp.status_code == 302
    db.session.expire_all()
    r = db.session.get(Referral, r.id)
    assert r.state == S.NOT_RECEIVED and r.not_received_reason == NotReceivedReason.UNREACHABLE


@pytest.mark.parametrize(("action", "state"), [("return", S.SUBMITTED), ("refuse", S.SENT),
                                               ("cancel", S.APPROVED)])
def test_return_refuse_and_cancel_need_a_comment(world: Any, action: str, state: S) -> None:
    r = world.referral(state)
    with pytest.raises(UserError) as exc:
        apply_transition(r, action, world.supervisor, comment="  ")
    assert exc.value.field == "comment"
    db.session.rollback()
    assert _state(r) == state


def test_returned_referral_can_be_edited_and_resubmitted(world: Any, login_as: Any) -> None:
    r = world.referral(S.SUBMITTED)
    apply_transition(r, "return", world.supervisor, comment="Add the follow-up date")
    c = login_as(world.counselor)
    resp = c.post(f"/referrals/{r.id}/edit", data={
        "service_type_id": str(world.health.id), "provider_id": str(world.provider.id),
        "reason": "needs care", "urgency": "urgent", "referred_on": "01/06/2026",
        "follow_up_on": "20/06/2026", "version": str(r.version)})
    assert resp.status_code == 302
    db.session.expire_all()
    r = db.session.get(Referral, r.id)
    assert r.follow_up_on == date(2026, 6, 20) and r.urgency.value == "urgent"
    apply_transition(r, "submit", world.counselor)
    assert _state(r) == S.SUBMITTED


def test_sent_referral_cannot_be_edited(world: Any, login_as: Any) -> None:
    r = world.referral(S.SENT)
    resp = login_as(world.counselor).post(f"/referrals/{r.id}/edit", data={
        "service_type_id": str(world.health.id), "provider_id": str(world.provider.id),
        "reason": "changed", "urgency": "routine", "referred_on": "01/06/2026"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Referral, r.id).reason == "needs care"


# --- history and audit -----------------------------------------------------------------------

def test_every_transition_is_kept_in_history_and_audited(world: Any, login_as: Any) -> None:
    c = login_as(world.counselor)
    resp = c.post(f"/referrals/new/{world.case.id}", data={
        "service_type_id": str(world.health.id), "provider_id": str(world.provider.id),
        "reason": "Bruises, needs a medical certificate", "urgency": "routine",
        "referred_on": "01/06/2026", "follow_up_on": "10/06/2026"})
    assert resp.status_code == 302
    r = db.session.scalar(sa.select(Referral))
    assert r.created_by_id == world.counselor.id
    steps = [("submit", world.counselor, {}), ("approve", world.supervisor, {}),
             ("send", world.counselor, {"on_date": date(2026, 6, 3)}),
             ("accept", world.counselor, {"on_date": date(2026, 6, 4)}),
             ("receive", world.counselor, {"on_date": date(2026, 6, 8), "comment": "done"})]
    for action, user, kw in steps:
        apply_transition(db.session.get(Referral, r.id), action, user, **kw)
    events = db.session.scalars(sa.select(ReferralEvent).where(ReferralEvent.referral_id == r.id)
                                .order_by(ReferralEvent.id)).all()
    assert [(e.from_state, e.to_state) for e in events] == [
        (None, S.DRAFT), (S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.APPROVED),
        (S.APPROVED, S.SENT), (S.SENT, S.ACCEPTED), (S.ACCEPTED, S.RECEIVED)]
    assert [e.user_id for e in events] == [world.counselor.id, world.counselor.id,
                                           world.supervisor.id] + [world.counselor.id] * 3
    assert events[-1].comment == "done"
    actions = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type == "referral", AuditEntry.object_id == r.id)
        .order_by(AuditEntry.id)).all()
    assert actions == ["referral.create", "referral.submit", "referral.approve",
                       "referral.send", "referral.accept", "referral.receive"]
    summaries = " ".join(db.session.scalars(sa.select(AuditEntry.summary)))
    assert "Bruises" not in summaries and "done" not in summaries
    r = db.session.get(Referral, r.id)
    assert (r.sent_on, r.responded_on, r.received_on) == (
        date(2026, 6, 3), date(2026, 6, 4), date(2026, 6, 8))
    page = c.get(f"/referrals/{r.id}").get_data(as_text=True)
    assert "08/06/2026" in page and page.count("<tr>") >= 7
    assert db.session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == "referral.view"))


def test_reason_and_notes_are_encrypted_at_rest(world: Any) -> None:
    r = world.referral(notes="lives behind the market")
    raw = db.session.execute(sa.text("SELECT reason, notes FROM referrals WHERE id = :i"),
                             {"i": r.id}).one()
    assert "needs care" not in raw[0] and "market" not in raw[1]


@pytest.fixture
def app_overrides() -> dict[str, object]:
    # These tests compare messages with their English ids; the Vietnamese catalog is checked
    # in tests/foundation/test_translations.py.
    return {"BABEL_DEFAULT_LOCALE": "en"}


def test_editing_a_referral_changed_meanwhile_is_refused_whole(world: Any, login_as: Any) -> None:
    r = world.referral(S.DRAFT)
    opened_at = r.version
    other = login_as(world.supervisor)
    assert other.post(f"/referrals/{r.id}/edit", data={
        "service_type_id": str(world.health.id), "provider_id": str(world.provider.id),
        "reason": "first save", "urgency": "routine", "referred_on": "01/06/2026",
        "version": str(opened_at)}).status_code == 302
    resp = login_as(world.counselor).post(f"/referrals/{r.id}/edit", data={
        "service_type_id": str(world.health.id), "provider_id": str(world.provider.id),
        "reason": "second save", "urgency": "urgent", "referred_on": "01/06/2026",
        "version": str(opened_at)})
    # The one stale-edit answer: 409, the one message, nothing of the second save kept.
    assert resp.status_code == 409
    assert "Someone else changed this record" in resp.get_data(as_text=True)
    db.session.expire_all()
    r = db.session.get(Referral, r.id)
    assert r.reason == "first save" and r.urgency.value == "routine"
