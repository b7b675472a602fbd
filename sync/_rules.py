"""Per-entity field rules: who may write each field, which fields only the server sets, and how a
same-field conflict is resolved (PROTOCOL.md §7). Declarative, so the JSON test vectors and the
JavaScript client can carry the same rules."""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# §7.2: the rules a field may declare for a same-field conflict.
CONFLICT_RULES = ("server_wins", "client_wins", "union")

BucketsOf = Callable[[Mapping[str, Any]], Iterable[str]]
Validator = Callable[[Mapping[str, Any], str], Mapping[str, list[str]]]
Reviewer = Callable[[Any], Any]  # (sync.Review) -> sync.Rejection | None, see _merge.Review


@dataclass(frozen=True)
class Field:
    """One synced field. `writable_by` empty means server-only: no client may send it."""

    name: str
    writable_by: frozenset[str] = frozenset()
    on_conflict: str = "server_wins"
    create_only: bool = False

    def __post_init__(self):
        if self.on_conflict not in CONFLICT_RULES:
            raise ValueError(f"{self.name}: unknown conflict rule {self.on_conflict!r}")


@dataclass(frozen=True)
class Entity:
    """The rules of one entity type. `buckets` maps a record's values to the buckets it lives in."""

    name: str
    fields: tuple[Field, ...]
    create_roles: frozenset[str]
    delete_roles: frozenset[str]
    buckets: BucketsOf
    validate: Validator | None = None
    review: Reviewer | None = None  # the entity's domain rules after the merge (§7.5)
    _by_name: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})

    def field(self, name: str) -> Field | None:
        return self._by_name.get(name)

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any], validate: Validator | None = None) -> "Entity":
        """Build rules from the JSON form used by sync/vectors (§7.4). Buckets are templates
        such as "grid:{grid_id}": a record is in the bucket when the named value is set."""
        fields = tuple(
            Field(
                name,
                frozenset(rule.get("writable_by", ())),
                rule.get("on_conflict", "server_wins"),
                bool(rule.get("create_only", False)),
            )
            for name, rule in spec["fields"].items()
        )
        return cls(
            spec["name"],
            fields,
            frozenset(spec.get("create_roles", ())),
            frozenset(spec.get("delete_roles", ())),
            template_buckets(spec["buckets"]),
            validate,
        )


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def template_buckets(templates: Iterable[str]) -> BucketsOf:
    """Buckets from templates like "grid:{grid_id}"; a template whose value is unset or null
    gives no bucket; a list value gives one bucket per item."""
    templates = tuple(templates)

    def buckets(values: Mapping[str, Any]) -> list[str]:
        out: list[str] = []
        for template in templates:
            names = _PLACEHOLDER.findall(template)
            if len(names) != 1:
                raise ValueError(f"bucket template needs exactly one placeholder: {template!r}")
            value = values.get(names[0])
            for item in value if isinstance(value, list) else [value]:
                if item is not None and item != "" and not isinstance(item, bool):
                    # A function, not a string: a value's backslashes are not escapes.
                    out.append(_PLACEHOLDER.sub(lambda _match, text=str(item): text, template))
        return sorted(set(out))

    return buckets
