"""Fast row writer for demo data: executemany on SQLite, COPY on PostgreSQL.

The ORM's bulk_create builds a model instance per row and, on SQLite, is limited to 999
parameters a statement; for millions of rows that dominates the load. Here rows are plain
tuples with their primary keys chosen up front (so foreign keys need no round trip),
written in chunks of one transaction each.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import NOT_PROVIDED

CHUNK = 20_000


class TableWriter:
    """Writes rows of one model; `columns` are attnames, the rest take their field default.

    Rows must hold values the driver takes as they are: the generator formats timestamps
    with `db_timestamp()`; dates, numbers, booleans and None pass through on both databases.
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        self.model = model
        fields = [f for f in model._meta.concrete_fields]
        by_attname = {f.attname: f for f in fields}
        unknown = set(columns) - set(by_attname)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        self.fixed = [f for f in fields if f.attname not in columns]
        self.fixed_values = tuple(_db_value(f, _default(f)) for f in self.fixed)
        self.columns = [by_attname[c].column for c in columns] + [f.column for f in self.fixed]
        self.table = model._meta.db_table

    def write(self, rows: Iterable[tuple], on_rows: Callable[[int], None] | None = None) -> int:
        written = 0
        batch: list[tuple] = []
        fixed = self.fixed_values
        for row in rows:
            batch.append(row + fixed)
            if len(batch) >= CHUNK:
                self._flush(batch)
                written += len(batch)
                if on_rows:
                    on_rows(len(batch))
                batch = []
        if batch:
            self._flush(batch)
            written += len(batch)
            if on_rows:
                on_rows(len(batch))
        return written

    def _flush(self, batch: list[tuple]) -> None:
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in self.columns)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {qn(self.table)} ({cols}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {qn(self.table)} ({cols}) VALUES ({marks})", batch)


def db_timestamp(dt: datetime.datetime):
    """A UTC datetime as the database driver takes it: SQLite stores Django's naive UTC text."""
    if connection.vendor == "sqlite":
        return str(dt.replace(tzinfo=None))
    return dt


@contextmanager
def indexes_deferred(models_: Iterable[type[models.Model]]):
    """Drop the secondary indexes of these tables for a bulk load, and build them afterwards.

    Building an index over a full table is several times faster than keeping it up to date
    row by row with random keys. Indexes that back constraints (primary keys, unique) stay.
    """
    saved: list[str] = []
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                    "AND i.indexname NOT IN (SELECT c.conname FROM pg_constraint c "
                    "WHERE c.conrelid = %s::regclass)",
                    [table, table],
                )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                    "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'",
                    [table],
                )
            for name, sql in cursor.fetchall():
                saved.append(sql)
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET maintenance_work_mem = '512MB'")
            for sql in saved:
                cursor.execute(sql)


def next_id(model: type[models.Model]) -> int:
    """The first free primary key of a table (ids are chosen by the loader)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX({connection.ops.quote_name(model._meta.pk.column)}) "
            f"FROM {connection.ops.quote_name(model._meta.db_table)}"
        )
        top = cursor.fetchone()[0]
    return (top or 0) + 1


def finish(models_written: Iterable[type[models.Model]]) -> None:
    """Move PostgreSQL sequences past the ids we chose, and refresh planner statistics."""
    from django.core.management.color import no_style

    models_written = list(models_written)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in connection.ops.sequence_reset_sql(no_style(), models_written):
                cursor.execute(sql)
            for model in models_written:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        else:
            # Sampled statistics: a full ANALYZE of a million-row table takes minutes.
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")


def tune_for_bulk_load() -> None:
    """Session settings that make a large load faster without risking the data already there."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit = off")
        else:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB of page cache
            cursor.execute("PRAGMA temp_store = MEMORY")


def _default(field):
    if field.primary_key:
        raise ValueError(f"{field.model.__name__}: give the primary key explicitly")
    if field.default is not NOT_PROVIDED:
        return field.default() if callable(field.default) else field.default
    if field.null:
        return None
    if isinstance(field, (models.CharField, models.TextField)):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.attname} needs a value")


def _db_value(field, value):
    conv = _converter(field)
    return conv(value) if conv is not None and value is not None else value


def _converter(field) -> Callable | None:
    """How a Python value becomes what the database driver takes, per field type."""
    sqlite = connection.vendor == "sqlite"
    if isinstance(field, models.JSONField):
        return json.dumps
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value if sqlite else None
    if isinstance(field, models.DateField):
        return str if sqlite else None
    if isinstance(field, models.DecimalField):
        return str if sqlite else Decimal
    if isinstance(field, models.BooleanField):
        return int if sqlite else None
    return None
