"""The service record (服务记录, PROTOCOL.md §15.2): the hours a person served and what for — an
activity attended, a micro-wish fulfilled, a service project — one entry per (kind, source,
person). Domains write it through `service.credit` / `service.void` in their own transaction;
the 双报告, the volunteer's 我的服务时长 and the December evaluation read it. It sits under the
domains so that none of them reads another's records to count what someone did.

Beside it, `vocab` holds the vocabularies the domains share — the skills and the weekly times that
members offer, resources and projects serve and activities want (PROTOCOL.md §17.1) — with their
words in both languages."""
