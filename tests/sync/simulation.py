"""A simulated day of offline clients, used by the property tests on every store.

Each client keeps a replica (pulled records) and an outbox of mutations made offline. Syncing
pushes the outbox (sometimes the response is lost, so the same batch is sent again later, and
old batches are delivered again at random), then pulls every page.
"""

import itertools
from dataclasses import dataclass, field

from sync import Actor, Engine, Entity, Mutation

NOTE = Entity.from_dict(
    {
        "name": "note",
        "fields": {
            "grid_id": {"writable_by": ["grid_worker"], "create_only": True},
            "title": {"writable_by": ["grid_worker", "admin"], "on_conflict": "server_wins"},
            "body": {"writable_by": ["grid_worker", "admin"], "on_conflict": "client_wins"},
            "tags": {"writable_by": ["grid_worker", "admin"], "on_conflict": "union"},
        },
        "create_roles": ["grid_worker"],
        "delete_roles": [],
        "buckets": ["grid:{grid_id}"],
    }
)
RECORD_IDS = [f"r{i}" for i in range(4)]


@dataclass
class Client:
    name: str
    actor: Actor
    client_id: str
    replica: dict = field(default_factory=dict)  # id -> (version, values)
    outbox: list = field(default_factory=list)
    sent: list = field(default_factory=list)  # every batch ever sent, for duplicate deliveries
    cursor: str | None = None
    results: dict = field(default_factory=dict)  # mutation id -> result wire


class Simulation:
    def __init__(self, store, commit=lambda: None, entity=NOTE):
        self.store = store
        self.commit = commit
        self.engine = Engine(store, [entity])
        grid = {"grid:1": frozenset({"grid_worker"})}
        self.clients = [
            Client("worker-a", Actor(1, grid), "phone-a"),
            Client("worker-b", Actor(2, grid), "phone-b"),
            Client("admin", Actor(3, {"grid:1": frozenset({"admin"})}), "desk-c"),
        ]
        self.ids = itertools.count(1)
        self.mutations: dict[str, tuple[Client, Mutation]] = {}

    def edit(self, who: int, record: int, field_name: str, value: str) -> None:
        client = self.clients[who]
        record_id = RECORD_IDS[record]
        mid = f"m{next(self.ids)}"
        pending_create = any(m.record_id == record_id and m.op == "create" for m in client.outbox)
        if record_id not in client.replica and not pending_create:
            if client.name == "admin":
                return  # admins do not create notes; they edit what they have seen
            fields = {"grid_id": 1, field_name: [value] if field_name == "tags" else value}
            mutation = Mutation(mid, "note", record_id, "create", fields)
        else:
            base = client.replica.get(record_id, (0, {}))[0]
            mutation = Mutation(
                mid, "note", record_id, "update", {field_name: [value] if field_name == "tags" else value}, base
            )
        client.outbox.append(mutation)
        self.mutations[mid] = (client, mutation)

    def sync(self, who: int, lose_response: bool = False, replay_old: bool = False) -> None:
        client = self.clients[who]
        if replay_old and client.sent:
            self.engine.push(client.actor, client.client_id, client.sent[0])  # a late duplicate
            self.commit()
        if client.outbox:
            batch = list(client.outbox)
            results = self.engine.push(client.actor, client.client_id, batch)
            self.commit()
            client.sent.append(batch)
            if lose_response:
                return  # the phone never heard back: the outbox stays, to be sent again
            for result in results:
                client.results[result.mutation_id] = result.to_wire()
            client.outbox.clear()
        self.pull(client)

    def pull(self, client: Client) -> None:
        while True:
            page = self.engine.pull(client.actor, client.cursor, 3)
            self.commit()
            for change in page.changes:
                if change.op == "put":
                    client.replica[change.record_id] = (
                        change.version,
                        change.to_wire()["data"],
                    )  # as a client receives it
                else:
                    client.replica.pop(change.record_id, None)
            client.cursor = page.cursor
            if not page.has_more:
                return

    def settle(self) -> None:
        """Everyone comes back online and syncs until nothing is pending."""
        for _ in range(2):
            for who in range(len(self.clients)):
                self.sync(who)
