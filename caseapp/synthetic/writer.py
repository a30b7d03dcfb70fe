"""Bulk writers for the synthetic data: COPY on PostgreSQL, executemany on SQLite.

Rows arrive as tuples of text already in the database's input form (dates in ISO form,
ids as digits) with the writer's own NULL and FALSE tokens, so nothing is converted per
value here. Table and column names are this package's constants, never input.

During a load the writer drops the secondary indexes (and on PostgreSQL the unique and
foreign-key constraints) of the tables it fills and builds them again at the end, in the
same transaction: one sort per index instead of millions of single-row insertions, and
the rebuilt constraints check every row, so a failure still leaves nothing behind.
"""

from __future__ import annotations

import queue
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

Row = tuple[Any, ...]


class BulkWriter(ABC):
    """Stores generated rows in bulk, one implementation a database."""

    null: str | None = None
    false: str = "0"
    true: str = "1"

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.raw: Any = conn.connection.driver_connection
        self._deferred: list[str] = []

    def next_id(self, table: str) -> int:
        # The table names are this module's constants, never input.
        sql = f'SELECT COALESCE(MAX(id), 0) FROM "{table}"'  # noqa: S608  # nosec B608
        return int(self.conn.execute(sa.text(sql)).scalar_one()) + 1

    @abstractmethod
    def write(self, table: str, columns: Sequence[str], rows: list[Row]) -> None:
        """Store rows of text values (``null`` for NULL) in these columns of the table."""

    def fix_sequence(self, table: str) -> None:  # noqa: B027  (SQLite has no sequence)
        """Let the next ordinary insert continue after the ids the load chose."""

    @abstractmethod
    def begin_load(self, tables: Sequence[str]) -> None:
        """Drop what slows single-row insertion into these tables; keep it to rebuild."""

    def end_load(self) -> None:
        """Rebuild what begin_load dropped, set sequences, refresh planner statistics."""
        for ddl in self._deferred:
            self.conn.exec_driver_sql(ddl)
        self._deferred = []


class PostgresWriter(BulkWriter):
    null = "\\N"
    false = "f"
    true = "t"

    def write(self, table: str, columns: Sequence[str], rows: list[Row]) -> None:
        if not rows:
            return
        cols = ", ".join(f'"{c}"' for c in columns)
        # COPY's text format: generated values hold no tab, newline or backslash.
        data = "\n".join(map("\t".join, rows)) + "\n"
        with self.raw.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            copy.write(data)

    def begin_load(self, tables: Sequence[str]) -> None:
        names = list(tables)
        constraints = self.conn.execute(sa.text(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), "
            "c.contype FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE n.nspname = current_schema() AND t.relname = ANY(:t) "
            # Foreign keys first: one may depend on a unique constraint dropped after it.
            "AND c.contype IN ('u', 'f') ORDER BY c.contype, c.conname"
        ), {"t": names}).all()
        indexes = self.conn.execute(sa.text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(:t) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
            "AND c.connamespace = (SELECT oid FROM pg_namespace "
            "WHERE nspname = current_schema())) ORDER BY i.indexname"
        ), {"t": names}).all()
        # Rebuild unique constraints and plain indexes first: foreign keys are checked last.
        add_fk: list[str] = []
        for table, name, definition, kind in constraints:
            self.conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            ddl = f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            (add_fk if kind == "f" else self._deferred).append(ddl)
        for name, definition in indexes:
            self.conn.exec_driver_sql(f'DROP INDEX "{name}"')
            self._deferred.append(definition)
        self._deferred.extend(add_fk)
        self._tables = names

    def end_load(self) -> None:
        # Index builds sort in memory when they can; the setting lasts for this transaction.
        self.conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        super().end_load()
        for t in self._tables:
            self.fix_sequence(t)
        # Sampled, so cheap at any size; the unit tree changed too.
        self.conn.exec_driver_sql("ANALYZE")

    def fix_sequence(self, table: str) -> None:
        # COPY with explicit ids leaves the sequence behind.
        self.conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608  # nosec B608
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
        )


class SqliteWriter(BulkWriter):
    # Page cache during the load, so inserts and the index builds (whose sorts stay in
    # memory up to this size) rarely touch the disk before the commit.
    CACHE_KIB = 512 * 1024

    def write(self, table: str, columns: Sequence[str], rows: list[Row]) -> None:
        if not rows:
            return
        placeholders = ", ".join("?" for _ in columns)
        cols = ", ".join(f'"{c}"' for c in columns)
        # Constant table and column names; the values go as parameters.
        sql = f'INSERT INTO "{table}" ({cols}) VALUES ({placeholders})'  # noqa: S608  # nosec B608
        self.raw.executemany(sql, rows)

    def begin_load(self, tables: Sequence[str]) -> None:
        cur = self.raw.cursor()
        if not self.raw.in_transaction:
            # sqlite3 would run the DROP INDEX below on its own: keep it in the load's
            # transaction, so a failed load leaves the indexes in place.
            cur.execute("BEGIN")
        self._saved_cache = cur.execute("PRAGMA cache_size").fetchone()[0]
        cur.execute(f"PRAGMA cache_size = -{self.CACHE_KIB}")
        marks = ", ".join("?" for _ in tables)
        # Only named indexes have SQL; the ones behind UNIQUE constraints stay.
        found = cur.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' "  # noqa: S608  # nosec B608
            f"AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY name", list(tables)
        ).fetchall()
        for name, ddl in found:
            cur.execute(f'DROP INDEX "{name}"')
            self._deferred.append(ddl)
        cur.close()

    def end_load(self) -> None:
        super().end_load()
        self.conn.exec_driver_sql("ANALYZE")
        self.raw.execute(f"PRAGMA cache_size = {int(self._saved_cache)}")


def writer_for(conn: Connection) -> BulkWriter:
    return PostgresWriter(conn) if conn.dialect.name == "postgresql" else SqliteWriter(conn)


class BackgroundWrites:
    """Writes batches on a second thread while the caller builds the next batch.

    The database driver waits for the server (or SQLite's C code) without holding the
    interpreter lock, so building rows and storing them overlap. The queue is short, so
    memory stays at about two batches. The first error stops the load and is raised to
    the caller.
    """

    def __init__(self, writer: BulkWriter, depth: int = 2) -> None:
        self.writer = writer
        self.queue: queue.Queue[list[tuple[str, Sequence[str], list[Row]]] | None] = (
            queue.Queue(maxsize=depth))
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="synthetic-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain, so the producer never blocks on a full queue
            try:
                for table, columns, rows in item:
                    self.writer.write(table, columns, rows)
            except BaseException as exc:  # re-raised in the caller's thread
                self.error = exc

    def put(self, item: list[tuple[str, Sequence[str], list[Row]]]) -> None:
        self._raise()
        self.queue.put(item)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error
