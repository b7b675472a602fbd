"""The reference store: everything in dictionaries. The server's SQLAlchemy store must behave
exactly like this one; the same tests run on both (STYLE.md rule 7)."""

import copy
import uuid
from collections.abc import Mapping

from sync._types import LogEntry, Mutation, MutationResult, Record


class MemoryStore:
    def __init__(self, epoch: str | None = None):
        self._epoch = epoch or uuid.uuid4().hex
        self.records: dict[tuple[str, str], Record] = {}
        self.log: dict[tuple[str, str, str], LogEntry] = {}  # (bucket, entity, id) -> latest
        self.results: dict[str, tuple[int, MutationResult]] = {}
        self.conflicts: list[dict] = []
        self.last_seq = 0
        self.purged_seq = 0

    def epoch(self) -> str:
        return self._epoch

    def begin_write(self) -> None:
        """One process, one thread: nothing to lock."""

    def prefetch(self, keys: list[tuple[str, str]]) -> None:
        """Everything is at hand already."""

    def finish(self) -> None:
        """Every write is done when made."""

    def get_record(self, entity: str, record_id: str) -> Record | None:
        record = self.records.get((entity, record_id))
        return copy.deepcopy(record)

    def put_record(self, record: Record) -> None:
        self.records[(record.entity, record.id)] = copy.deepcopy(record)

    def allocate(self, count: int) -> list[int]:
        first = self.last_seq + 1
        self.last_seq += count
        return list(range(first, first + count))

    def log_put(self, entry: LogEntry) -> None:
        self.log[(entry.bucket, entry.entity, entry.record_id)] = entry

    def live_buckets(self, entity: str, record_id: str) -> set[str]:
        return {b for (b, e, r), entry in self.log.items() if e == entity and r == record_id and entry.op == "put"}

    def get_results(self, mutation_ids: list[str]) -> dict[str, tuple[int, MutationResult]]:
        return {mid: copy.deepcopy(self.results[mid]) for mid in set(mutation_ids) if mid in self.results}

    def save_result(self, user_id: int, client_id: str, result: MutationResult) -> None:
        self.results[result.mutation_id] = (user_id, copy.deepcopy(result))

    def save_conflicts(self, user_id: int, mutation: Mutation, conflicts: list) -> None:
        for conflict in conflicts:
            self.conflicts.append(
                {
                    "user_id": user_id,
                    "mutation_id": mutation.id,
                    "entity": mutation.entity,
                    "record_id": mutation.record_id,
                    **conflict.to_wire(),
                }
            )

    def changes_since(self, positions: Mapping[str, int], limit: int) -> list[LogEntry]:
        """Rows after each bucket's position, by (seq, bucket); a fresh bucket (position 0)
        gets no tombstones: a client that never had the records has nothing to delete."""
        rows = [
            entry
            for (bucket, _, _), entry in self.log.items()
            if bucket in positions and entry.seq > positions[bucket] and (positions[bucket] > 0 or entry.op == "put")
        ]
        rows.sort(key=lambda e: (e.seq, e.bucket))
        return rows[:limit]

    def marks(self) -> tuple[str, int, int]:
        """(epoch, high-water mark, purged through): the last seq handed out is committed here."""
        return self._epoch, self.last_seq, self.purged_seq

    def purge_tombstones(self, through_seq: int) -> int:
        """Forget tombstones up to a sequence number (the server does it by age, §5.5)."""
        doomed = [k for k, e in self.log.items() if e.op == "delete" and e.seq <= through_seq]
        for key in doomed:
            del self.log[key]
        self.purged_seq = max(self.purged_seq, through_seq)
        return len(doomed)
