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

from sqlalchemy import JSON, Table, Text, bindparam, cast, column, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from server.extensions import db
from server.sync.models import SerializedJSON


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
    if db.session.get_bind().dialect.name == "postgresql":
        statement, parameters = _from_json(table, names, rows, serialized)
    else:
        types = {name: SerializedJSON() if name in serialized else table.c[name].type for name in names}
        statement = sqlite.insert(table).values({name: bindparam(name, type_=types[name]) for name in names})
        parameters = rows
    if upsert_on:
        statement = statement.on_conflict_do_update(
            index_elements=list(upsert_on), set_={k: statement.excluded[k] for k in update}
        )
    db.session.execute(statement, parameters)


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
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=_instant)
    return postgresql.insert(table).from_select(names, select(*selected)), {"rows": text}


def _instant(value):
    """json.dumps' fallback: dates and times as ISO 8601 text, which PostgreSQL reads back."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
