"""The floor under the domains: what every domain uses and no domain owns.

Dependencies point one way: core ← sync ← domains (server/__init__.py's layers, DESIGN.md §4).
Nothing here imports anything above the core.
- `edge`: the one place where input is bounded before any rule sees it (schemas, JSON bodies,
  URL integers).
- `instants`: the one text form of every time the server writes (UTC, ms, "Z"; PROTOCOL.md §4.3).
- `clock`: the rules' time (settable, for the demo's replay) and the wall clock.
- `fields`: field types every schema shares (an instant, a photo's SHA-256, a GPS fix), compact
  JSON, and the base of the synced records' schemas.
- `pages`: one page of a list, with its total.
- `after_commit`: the one mechanism for what follows a commit (live events, pokes, fan-out).
- `pokes`: telling online clients to pull after a commit (PROTOCOL.md §8).
- `periodic`: the thread that runs a part's periodic jobs.
- `parts`: what a part of the app declares it brings; create_app wires it.
"""
