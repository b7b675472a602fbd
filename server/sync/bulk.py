"""Many rows into one table in one statement, for the sync store's held-back writes: an
executemany on SQLite (the driver loops in C over one prepared statement); on PostgreSQL an
INSERT … SELECT FROM json_to_recordset(<the rows as one JSON document>).

Why not multi-row VALUES ("insertmanyvalues") on PostgreSQL: a bulk creation of 5,000 tasks
logged in 6 buckets each writes 30,000 log rows, 240,000 placeholders that psycopg rewrites one
by one in Python before sending (bench/bulk_tasks.py --postgres --profile: a third of the
request's time). Nor one array per column (unnest): psycopg quotes every item of a text array
in Python. One JSON document is encoded and parsed in C on both sides.
"""

import json
from datetime import date

import orjson
from sqlalchemy import JSON, Table, Text, bindparam, cast, column, func, literal, select
from sqlalchemy.dialects import postgresql

from server.extensions import db


def insert_rows(
    table: Table,
    rows: list[dict],
    *,
    serialized: tuple[str, ...] = (),
    upsert_on: tuple[str, ...] = (),
    update: tuple[str, ...] = (),
) -> None:
    """INSERT `rows` (dicts with the same keys) into `table`; with `upsert_on` (the columns of
    a unique index), a row that exists gets the `update` columns of the new one. `serialized`:
    JSON columns whose values are JSON text already (None: SQL NULL)."""
    if not rows:
        return
    names = list(rows[0])
    if db.session.get_bind().dialect.name != "postgresql":
        _executemany(table, names, rows, serialized, upsert_on, update)
        return
    statement, parameters = _from_json(table, names, rows, serialized)
    if upsert_on:
        statement = statement.on_conflict_do_update(
            index_elements=list(upsert_on), set_={k: statement.excluded[k] for k in update}
        )
    db.session.execute(statement, parameters)


def _executemany(table: Table, names: list[str], rows: list[dict], serialized, upsert_on, update) -> None:
    """SQLite: one prepared INSERT (… ON CONFLICT DO UPDATE) run by the driver for every row,
    each value through its column type's own bind processor, as a Core insert would send it;
    without Core's per-row parameter building (construct_params), which cost about as much as the
    driver's inserts (a push of 200 creates writes 1,400 rows)."""
    connection = db.session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    processors = [
        None if name in serialized else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        for name in names
    ]
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    if upsert_on:
        sql += f" ON CONFLICT ({', '.join(quote(n) for n in upsert_on)}) DO UPDATE SET " + ", ".join(
            f"{quote(n)} = excluded.{quote(n)}" for n in update
        )
    columns = [_column([row[name] for row in rows], p) for name, p in zip(names, processors, strict=True)]
    connection.exec_driver_sql(sql, list(zip(*columns)))


def _column(values: list, processor) -> list:
    """A column's values as bound; the same object as the row before is not processed again (a
    push's rows share their commit time, a record's log rows their JSON text)."""
    if processor is None:
        return values
    bound, last, last_bound = [], object(), None
    for value in values:
        if value is not last:
            last, last_bound = value, processor(value)
        bound.append(last_bound)
    return bound


def _from_json(table: Table, names: list[str], rows: list[dict], serialized: tuple[str, ...]):
    """INSERT … SELECT FROM json_to_recordset(:rows) AS t(<name type>, …). A None in a JSON
    column is stored as JSON null, as the ORM and SQLite store it (the function gives SQL NULL)."""
    is_json = {name for name in names if table.c[name].type._type_affinity is JSON}
    defined = [column(name, Text() if name in serialized else table.c[name].type) for name in names]
    document = cast(bindparam("rows", type_=Text), JSON)
    source = func.json_to_recordset(document).table_valued(*defined).render_derived(with_types=True)
    selected = []
    for name in names:
        value = source.c[name]
        if name in serialized:
            value = cast(value, JSON)
        elif name in is_json:
            value = func.coalesce(value, cast(literal("null"), JSON))
        selected.append(value)
    try:  # orjson writes dates and times as isoformat() does
        text = orjson.dumps(rows, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # what orjson refuses (an integer beyond 64 bits, …), as before
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=_instant)
    return postgresql.insert(table).from_select(names, select(*selected)), {"rows": text}


def _instant(value):
    """json.dumps' fallback: dates and times as ISO 8601 text, which PostgreSQL reads back."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
