from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.audit.models import AuditEntry
from caseapp.db import db
from caseapp.settings.models import Setting
from caseapp.settings.services import get_setting
from tests.factories import Factory

VALID = {"complaint_deadline_days": "12", "holidays": "02/09/2026\n30/04/2026",
         "allow_self_approval": "y", "no_response_days": "5",
         "mfa_required_roles": ["admin", "supervisor"]}


def test_admin_changes_work_rules_and_they_take_effect(make: Factory, login_as: Any) -> None:
    admin = make.user("admin")
    c = login_as(admin)
    assert c.get("/settings/").status_code == 200
    resp = c.post("/settings/", data=VALID)
    assert resp.status_code == 302
    db.session.expire_all()
    assert get_setting("complaint_deadline_days") == 12
    assert get_setting("holidays") == ["2026-04-30", "2026-09-02"]
    assert get_setting("allow_self_approval") is True
    assert get_setting("skip_review_for_union_service") is False
    assert get_setting("mfa_required_roles") == ["admin", "supervisor"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "settings.update"))
    assert "complaint_deadline_days" in entry.summary and "2026" not in entry.summary
    from caseapp.complaints.deadlines import add_working_days

    # 12 working days from Monday 31/08/2026, skipping 02/09 and the weekends.
    assert add_working_days(date(2026, 8, 31), get_setting("complaint_deadline_days"),
                            get_setting("holidays")) == date(2026, 9, 17)


@pytest.mark.parametrize("bad", [
    {"complaint_deadline_days": "0"}, {"complaint_deadline_days": "abc"},
    {"holidays": "31/02/2026"}, {"no_response_days": "500"},
    {"mfa_required_roles": ["root"]},
])
def test_invalid_work_rules_change_nothing(make: Factory, login_as: Any,
                                           bad: dict[str, Any]) -> None:
    c = login_as(make.user("admin"))
    resp = c.post("/settings/", data={**VALID, **bad})
    assert resp.status_code == 400
    assert 'class="error"' in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Setting)) == 0


@pytest.mark.parametrize("role", ["counselor", "supervisor", "statistics"])
def test_only_admins_reach_work_rules(make: Factory, login_as: Any, role: str) -> None:
    assert login_as(make.user(role)).get("/settings/").status_code == 404
