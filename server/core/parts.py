"""What a part of Redgrid brings to the app. create_app (server/__init__.py) lists the parts and
hands each kind of contribution to the one place that takes it; nothing is registered by
importing a module.

A part is a package with a module `part.py` that declares `PART = Part(...)`: its API blueprints,
its message catalogs, its synced entities, the rows only some users may see and the actions
only it can answer, its fan-out and
periodic jobs, its CLI commands, and an `init(app)` for anything else it sets up on the app.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask import Flask


@dataclass(frozen=True)
class Part:
    name: str
    blueprints: tuple = ()  # flask_smorest blueprints: the API (documented in /api/openapi.json)
    pages: tuple = ()  # plain Flask blueprints: HTML pages
    catalogs: tuple[Callable[[str], Mapping[str, str]], ...] = ()  # entries(locale) -> {key: text}
    sync_entities: tuple = ()  # server.sync.registry.EntityBinding
    visibility: Mapping = field(default_factory=dict)  # model -> fn(user): WHERE clause of the rows they see
    actions: Mapping[str, Callable] = field(default_factory=dict)  # authz action -> fn(user, obj) -> bool
    blob_readers: tuple[Callable, ...] = ()  # fn(user, sha256) -> bool: may read a photo beyond its holders
    jobs: Mapping[str, Callable] = field(default_factory=dict)  # fan-out jobs by name (server/notices/fanout.py)
    periodic: tuple = ()  # server.core.periodic.PeriodicJob
    commands: tuple = ()  # click commands and groups
    roster: Callable | None = None  # fn(community_id) -> [server.ledger.roster.Subject]: who serves there
    open_needs: Callable | None = None  # fn(community_id, need_id) -> [server.ledger.lists.OpenNeed]
    monthly: tuple = ()  # fn(user, community, month) -> section: the community's monthly report (core/monthly.py)
    regrid: tuple = ()  # fn(GridChange): move the part's rows when places change grid (core/regrid.py)
    dashboard: tuple = ()  # fn(user, unit, children, period) -> section: an org unit's dashboard (core/dashboard.py)
    metrics: tuple = ()  # fn() -> [(name, help, {label: value}, number)]: gauges read at scrape (core/observability.py)
    readiness: tuple = ()  # as metrics, cheap (no database): gauges /readyz reports too, on every probe
    resident_merge: Callable | None = None  # fn(kept_id, merged_id) -> rows moved (core/residents.py)
    init: Callable[[Flask], None] | None = None  # anything else, once per app
