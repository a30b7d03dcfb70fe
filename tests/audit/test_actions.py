"""The table of audit actions: every action the code writes has a label, labels are unique
in both languages, old names map to current ones, and the screen shows labels."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask_babel import force_locale

from caseapp.audit import services as audit
from caseapp.audit.actions import (
    ACTIONS,
    LEGACY,
    action_label,
    canonical,
    stored_names,
    summary_text,
)
from caseapp.db import db
from caseapp.referrals.workflow import TRANSITIONS

SOURCE = Path(__file__).resolve().parents[2] / "caseapp"
# Functions whose first argument is the action written (directly or passed on to record).
WRITERS = {"record", "audit_case_record", "_admin_audit", "_audit"}
# records.common.audit_view(object_type, ...) writes "<object_type>.view".
VIEW_WRITER = "audit_view"


def _name(call: ast.Call) -> str | None:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _enclosing_params(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> set[str]:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return {a.arg for a in (*node.args.args, *node.args.kwonlyargs)}
    return set()


def written_actions() -> tuple[set[str], list[str]]:
    """The action names written anywhere in the application, and what the scan could not
    read (to be taught to this test)."""
    found: set[str] = set()
    view_types: set[str] = set()
    templates: list[tuple[str, str]] = []
    unread: list[str] = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = _parents(tree)
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = _name(call)
            if not call.args or name not in WRITERS | {VIEW_WRITER}:
                continue
            where = f"{path.relative_to(SOURCE.parent)}:{call.lineno}"
            arg = call.args[0]
            if name == VIEW_WRITER:
                # Other audit_view helpers take the record itself and write through record().
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    view_types.add(arg.value)
                continue
            options = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
            for option in options:
                if isinstance(option, ast.Constant) and isinstance(option.value, str):
                    found.add(option.value)
                elif isinstance(option, ast.JoinedStr):
                    parts = [v.value if isinstance(v, ast.Constant) else "{}"
                             for v in option.values]
                    templates.append(("".join(str(p) for p in parts), where))
                elif isinstance(option, ast.Name) \
                        and option.id in _enclosing_params(call, parents):
                    continue  # a wrapper passing its caller's action on
                else:
                    unread.append(where)
    expansions = {
        "referral.{}": {f"referral.{action}" for action in TRANSITIONS},
        "{}.view": {f"{t}.view" for t in view_types},
    }
    for template, where in templates:
        if template in expansions:
            found |= expansions[template]
        else:
            unread.append(f"{where} ({template})")
    return found, unread


def test_every_written_action_has_a_label() -> None:
    found, unread = written_actions()
    assert not unread, f"action names the scan cannot read: {unread}"
    # The scan does find the writers (a guard against a scan that silently finds nothing).
    assert {"case.view", "auth.login", "user.deactivate", "referral.submit",
            "referral.not_receive", "incident.view", "protection_measure.view"} <= found
    assert sorted(found - set(ACTIONS)) == []


def test_actions_are_named_area_verb_and_labels_are_unique(app) -> None:
    for name in ACTIONS:
        area, dot, verb = name.partition(".")
        assert dot and area and verb and "." not in verb, name
    for locale in ("en", "vi"):
        with app.test_request_context(), force_locale(locale):
            labels = [str(label) for label in ACTIONS.values()]
        duplicates = {x for x in labels if labels.count(x) > 1}
        assert not duplicates, (locale, duplicates)


def test_legacy_names_map_to_known_actions() -> None:
    assert set(LEGACY.values()) <= set(ACTIONS)
    assert not set(LEGACY) & set(ACTIONS)
    assert canonical("case_view") == "case.view" == canonical("case.view")
    assert canonical("settings_change") == "settings.update"
    assert stored_names("auth.login") == ["auth.login", "login"]
    assert stored_names("login") == ["auth.login", "login"]
    assert stored_names("case.create") == ["case.create", "case_create"]
    assert stored_names("referral.submit") == ["referral.submit"]


def test_labels_follow_the_language(app) -> None:
    with app.test_request_context(), force_locale("en"):
        assert action_label("case.view") == "Case viewed"
        assert action_label("case_view") == "Case viewed"
        # An action the table does not know shows its code.
        assert action_label("something_else") == "something_else"


def test_summary_text_reads_known_state_changes(app) -> None:
    with app.test_request_context(), force_locale("en"):
        assert summary_text(
            "case.status", "code=HS.A.1;action=approve_closure;from=closure_requested;to=closed"
        ) == "Closure requested → Closed"
        assert summary_text("case_status", "code=HS.A.1;from=open;to=in_progress") \
            is not None
        assert summary_text("referral.send", "approved->sent") is not None
        assert summary_text("complaint.status", "received -> processing") is not None
        # Unknown formats and values are left to be shown as written.
        assert summary_text("case.status", "code=HS.A.1") is None
        assert summary_text("case.status", "from=nonsense;to=closed") is None
        assert summary_text("referral.view", "HS.A.1") is None
        assert summary_text("case.view", "from=new;to=closed") is None


@pytest.fixture
def app_overrides() -> dict[str, object]:
    return {"BABEL_DEFAULT_LOCALE": "en"}


def test_audit_screen_shows_labels_and_filters_old_names(make, login_as) -> None:
    unit = make.unit("P", kind="province")
    c = login_as(make.user("admin", unit))
    audit.record("case_view", object_type="case", object_id=1, unit_id=unit.id,
                 summary="old-marker")
    audit.record("case.view", object_type="case", object_id=2, unit_id=unit.id,
                 summary="new-marker")
    audit.record("case.status", object_type="case", object_id=2, unit_id=unit.id,
                 summary="code=HS.P.1;action=start;from=open;to=in_progress")
    audit.record("report.export", object_type="unit", object_id=unit.id, unit_id=unit.id,
                 summary="other-marker")
    db.session.commit()
    html = c.get("/audit/").get_data(as_text=True)
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("Case viewed") == 2 and "Report exported" in body
    assert "case_view" in body and "case.view" in body  # the code stays visible
    assert "code=HS.P.1;action=start;from=open;to=in_progress" in body
    # The filter offers one choice per current name, by label.
    assert '<option value="case.view">Case viewed</option>' in html
    assert 'value="case_view"' not in html
    filtered = c.get("/audit/?action=case.view").get_data(as_text=True)
    filtered = filtered.split("<tbody>")[1].split("</tbody>")[0]
    assert "old-marker" in filtered and "new-marker" in filtered
    assert "other-marker" not in filtered


def test_record_refuses_an_unknown_action_in_debug_mode(app) -> None:
    app.debug = True
    try:
        with pytest.raises(ValueError, match=r"actions\.py"):
            audit.record("case.frobnicate", object_type="case")
        audit.record("case.view", object_type="case", summary="known")
    finally:
        app.debug = False
        db.session.rollback()
