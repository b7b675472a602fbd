"""Chunked Core bulk inserts with explicit ids, in foreign-key order."""

from sqlalchemy import insert, text

from server.auth.models import RoleAssignment, User
from server.org.models import (
    Building,
    Compound,
    GridCoverage,
    Household,
    OrgUnit,
    OwnersCommittee,
    PropertyCompany,
    Resident,
)

# Parents before children: flushing one table first flushes every table before it, so a row
# never reaches the database before the rows it refers to (SQLite checks foreign keys at once).
TABLES = tuple(
    model.__table__
    for model in (
        OrgUnit,
        PropertyCompany,
        Compound,
        OwnersCommittee,
        Building,
        Household,
        Resident,
        GridCoverage,
        User,
        RoleAssignment,
    )
)
TABLE_NAMES = tuple(table.name for table in TABLES)


class BulkWriter:
    """Buffers rows per table and sends each buffer as one executemany of `chunk` rows."""

    def __init__(self, session, chunk: int = 5000):
        self.session = session
        self.chunk = chunk
        self.buffers: dict[str, list[dict]] = {name: [] for name in TABLE_NAMES}
        self.counts: dict[str, int] = dict.fromkeys(TABLE_NAMES, 0)
        self.last_id: dict[str, int] = dict.fromkeys(TABLE_NAMES, 0)
        self.tables = {table.name: table for table in TABLES}

    def next_id(self, table: str) -> int:
        self.last_id[table] += 1
        return self.last_id[table]

    def add(self, table: str, row: dict) -> None:
        buffer = self.buffers[table]
        buffer.append(row)
        if len(buffer) >= self.chunk:
            self.flush(table)

    def flush(self, upto: str | None = None) -> None:
        """Write the buffers of `upto` and of every table before it (all tables if None)."""
        last = TABLE_NAMES.index(upto) if upto else len(TABLE_NAMES) - 1
        for name in TABLE_NAMES[: last + 1]:
            rows = self.buffers[name]
            if rows:
                self.session.execute(insert(self.tables[name]), rows)
                self.counts[name] += len(rows)
                self.buffers[name] = []

    def reset_sequences(self) -> None:
        """PostgreSQL: explicit ids leave the serial sequences behind; the next id is MAX(id) + 1."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for name in TABLE_NAMES:
            self.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'),"
                    f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
                )
            )
