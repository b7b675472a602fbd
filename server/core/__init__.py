"""The floor under the domains: what every domain uses and no domain owns.

Dependencies point one way: core ← sync ← domains (DESIGN.md §4). Nothing here imports a domain.
- `edge`: the one place where input is bounded before any rule sees it (schemas, JSON bodies,
  URL integers).
- `instants`: the one text form of every time the server writes (UTC, ms, "Z"; PROTOCOL.md §4.3).
"""
