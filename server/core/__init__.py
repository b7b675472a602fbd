"""The floor under the domains: what every domain uses and no domain owns.

Dependencies point one way: core ← sync ← domains (DESIGN.md §4). Nothing here imports a domain.
- `edge`: the one place where input is bounded before any rule sees it (schemas, JSON bodies,
  URL integers).
"""
