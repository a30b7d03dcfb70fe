from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from caseapp import crypto
from caseapp.attachments.models import Attachment
from caseapp.audit.models import AuditEntry
from caseapp.clients.models import Client
from caseapp.clock import now
from caseapp.crypto import DataKeyError, Keyring
from caseapp.db import db
from caseapp.keyrotation import encrypted_columns
from tests.orgtree import Org, a_case, identified_client


def raw_tokens() -> list[str | bytes]:
    """Every non-null encrypted value in the database, as stored."""
    out: list[str | bytes] = []
    for columns in encrypted_columns().values():
        for col in columns:
            out.extend(db.session.scalars(
                sa.select(sa.type_coerce(col, col.type.impl)).where(col.is_not(None))))
    return out


def test_rotation_reencrypts_everything_and_keeps_search(app, org: Org, make, login_as,
                                                         monkeypatch) -> None:
    old_spec = app.config["DATA_KEY"]
    clients = [identified_client(make, org.a, name=f"Nguyễn Thị Hoa {i}",
                                 phone=f"09123456{i:02d}", address="Ấp Mỹ Thanh")
               for i in range(7)]
    case = a_case(make, org.a, client=clients[0], summary="Tóm tắt")
    db.session.add(Attachment(unit_id=org.a.id, case_id=case.id, filename="don.pdf",
                              content_type="application/pdf", size=3, sha256="0" * 64,
                              data=b"%PD", uploaded_at=now()))
    db.session.commit()
    before = raw_tokens()
    assert len(before) >= 7 * 3 + 3

    import caseapp.keyrotation as rotation

    monkeypatch.setattr(rotation, "BATCH", 3)  # several batches
    result = app.test_cli_runner().invoke(args=["rotate-data-key"])
    assert result.exit_code == 0, result.output
    new_spec = re.search(r"DATA_KEY=(\S+)", result.output).group(1)
    assert "," not in new_spec and new_spec.startswith("k2:")
    new_only, old_only = Keyring.parse(new_spec), Keyring.parse(old_spec)

    db.session.expire_all()
    after = raw_tokens()
    assert len(after) == len(before)
    for token in after:
        if isinstance(token, bytes):
            assert new_only.decrypt_bytes(token)
            with pytest.raises(DataKeyError):
                old_only.decrypt_bytes(token)
        else:
            assert new_only.decrypt(token) is not None
            with pytest.raises(DataKeyError):
                old_only.decrypt(token)
    # The app now runs on the new key alone, and exact search still finds the client.
    crypto.set_keyring(new_only)
    assert db.session.get(Client, clients[3].id).full_name == "Nguyễn Thị Hoa 3"
    c = login_as(org.counselor_a)
    html = c.post("/cases/", data={"q": "nguyen thi hoa 0"}).get_data(as_text=True)
    assert case.code in html
    html = c.post("/cases/", data={"q": "0912345600"}).get_data(as_text=True)
    assert case.code in html
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "keyring.rotate"))
    assert f"values={len(before)}" in entry.summary and "indexes=14" in entry.summary
    assert "Nguyễn" not in result.output


def test_rotation_writes_instance_key_file(app, org: Org, make, tmp_path, monkeypatch) -> None:
    from caseapp import keys

    identified_client(make, org.a, name="Trần Thị Út", phone="0900000001")
    monkeypatch.delenv("DATA_KEY", raising=False)
    app.instance_path = str(tmp_path)
    app.config["DATA_KEY_SOURCE"] = "instance"
    keys.write_instance_data_key(app, app.config["DATA_KEY"])
    result = app.test_cli_runner().invoke(args=["rotate-data-key"])
    assert result.exit_code == 0, result.output
    stored = (tmp_path / "data_key").read_text().strip()
    assert stored.startswith("k2:") and "," not in stored
    assert stored not in result.output
    crypto.set_keyring(Keyring.parse(stored))
    db.session.expire_all()
    assert db.session.scalar(sa.select(Client)).full_name == "Trần Thị Út"
