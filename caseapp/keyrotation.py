"""Rotating the data-encryption key.

A new key is put first in the keyring (the old keys stay after it, so existing values still
decrypt), then every encrypted column of every table is re-encrypted under the new key and
every blind index is recomputed under it, in batches, inside ONE transaction: either all the
data moves to the new key or none does. The encrypted columns are discovered from the
metadata, so a column added later is rotated without touching this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from caseapp.audit import services as audit
from caseapp.crypto import (
    EncryptedBytes,
    EncryptedText,
    Keyring,
    name_index,
    phone_index,
    set_keyring,
)
from caseapp.db import db
from caseapp.keys import new_data_key_entry
from caseapp.transaction import cli_transaction

BATCH = 500
# Rows holding file contents are large; fetch fewer at a time.
BYTES_BATCH = 20

# Blind index column -> (source column, index function), for every table that has one.
BLIND_INDEXES: dict[str, tuple[str, Any]] = {
    "name_bidx": ("full_name", name_index),
    "phone_bidx": ("phone", phone_index),
}


@dataclass
class RotationResult:
    new_key_id: str
    new_entry: str
    values: int = 0
    indexes: int = 0
    per_table: dict[str, int] = field(default_factory=dict)


def next_key_id(ring: Keyring) -> str:
    numbers = [int(m.group(1)) for k in ring.keys if (m := re.fullmatch(r"k(\d+)", k))]
    n = max(numbers, default=0) + 1
    while f"k{n}" in ring.keys:
        n += 1
    return f"k{n}"


def encrypted_columns() -> dict[sa.Table, list[sa.Column[Any]]]:
    out: dict[sa.Table, list[sa.Column[Any]]] = {}
    for table in db.metadata.sorted_tables:
        cols = [c for c in table.columns if isinstance(c.type, EncryptedText | EncryptedBytes)]
        if cols:
            out[table] = cols
    return out


def _batches(table: sa.Table, columns: list[sa.Column[Any]], size: int) -> Iterator[list[Any]]:
    """Rows by primary key, one batch at a time (keyset paging: nothing is held in memory)."""
    (pk,) = table.primary_key.columns
    raw = [sa.type_coerce(c, c.type.impl).label(c.name) for c in columns]
    last: Any = None
    while True:
        query = sa.select(pk.label("_pk"), *raw).order_by(pk).limit(size)
        if last is not None:
            query = query.where(pk > last)
        rows = db.session.execute(query).all()
        if not rows:
            return
        yield rows
        last = rows[-1]._pk


def _reencrypt(value: Any, ring: Keyring, is_bytes: bool) -> Any:
    if value is None:
        return None
    if is_bytes:
        return ring.encrypt_bytes(ring.decrypt_bytes(bytes(value)))
    return ring.encrypt(ring.decrypt(value))


def rotate(old: Keyring, old_spec: str) -> tuple[RotationResult, Keyring]:
    """Re-encrypt everything under a new key; stages the changes (the caller commits).

    Returns the result and the keyring holding only the new key, valid once committed.
    """
    key_id = next_key_id(old)
    entry = new_data_key_entry(key_id)
    both = Keyring.parse(entry + "," + old_spec)
    result = RotationResult(key_id, entry)
    for table, columns in encrypted_columns().items():
        (pk,) = table.primary_key.columns
        bidx = {name: spec for name, spec in BLIND_INDEXES.items()
                if name in table.columns and spec[0] in table.columns}
        fetch = list(columns)
        for _name, (source, _fn) in bidx.items():
            if source not in {c.name for c in fetch}:
                raise RuntimeError(f"{table.name}.{source} feeds a blind index but is not "
                                   "encrypted")
        is_bytes = {c.name: isinstance(c.type, EncryptedBytes) for c in columns}
        size = BYTES_BATCH if any(is_bytes.values()) else BATCH
        stmt = (
            sa.update(table).where(pk == sa.bindparam("_pk"))
            .values({c.name: sa.bindparam("v_" + c.name, type_=c.type.impl) for c in columns}
                    | {name: sa.bindparam("v_" + name) for name in bidx})
        )
        count = 0
        for rows in _batches(table, columns, size):
            params = []
            for row in rows:
                values: dict[str, Any] = {"_pk": row._pk}
                for c in columns:
                    raw = getattr(row, c.name)
                    values["v_" + c.name] = _reencrypt(raw, both, is_bytes[c.name])
                    count += raw is not None
                for name, (source, fn) in bidx.items():
                    raw = getattr(row, source)
                    plain = both.decrypt(raw) if raw is not None else None
                    values["v_" + name] = fn(plain, ring=both)
                    result.indexes += plain is not None
                params.append(values)
            db.session.execute(stmt, params)
        result.per_table[table.name] = count
        result.values += count
    audit.record(
        "keyring.rotate", object_type="keyring",
        summary=f"new_key={key_id};old_keys={','.join(old.keys)};values={result.values};"
                f"indexes={result.indexes};tables={len(result.per_table)}",
    )
    return result, Keyring.parse(entry)


def activate(ring: Keyring) -> None:
    set_keyring(ring)


@click.command("rotate-data-key")
@with_appcontext
def rotate_data_key_command() -> None:
    """Re-encrypt every encrypted value and blind index under a new data key."""
    from caseapp.crypto import keyring
    from caseapp.keys import data_key_from_instance, write_instance_data_key

    app = current_app
    old_spec = app.config["DATA_KEY"]
    from_instance = data_key_from_instance(app)  # type: ignore[arg-type]
    try:
        with cli_transaction():
            result, new_ring = rotate(keyring(), old_spec)
            if from_instance:
                # Both keys in the file first: whether the commit succeeds or not, the file
                # can decrypt what the database holds.
                both = result.new_entry + "," + old_spec
                write_instance_data_key(app, both)  # type: ignore[arg-type]
    except Exception:
        if from_instance:
            write_instance_data_key(app, old_spec)  # type: ignore[arg-type]
        raise
    activate(new_ring)
    app.config["DATA_KEY"] = result.new_entry
    click.echo(f"Re-encrypted {result.values} values in {len(result.per_table)} tables and "
               f"{result.indexes} search indexes under key {result.new_key_id}.")
    if from_instance:
        write_instance_data_key(app, result.new_entry)  # type: ignore[arg-type]
        click.echo("The new key replaced the old one in instance/data_key. Restart the app.")
    else:
        click.echo("Set this as DATA_KEY in the environment, then restart every worker:")
        click.echo(f"DATA_KEY={result.new_entry}")
