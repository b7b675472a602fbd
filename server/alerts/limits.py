"""An alert's limits (no imports beyond the notices' vocabularies: the catalog reads them at import).

A title of at most TITLE_MAX characters (a phone's notification shows about one line of
Chinese); a body of at most BODY_MAX (the Web Push payload must stay under 3 KB, DESIGN.md §6:
500 CJK characters are 1,500 bytes of UTF-8, leaving room for the title, link and ack token).
Levels and categories are the notices' (server/notices/limits.py)."""

TITLE_MAX = 60
BODY_MAX = 500
STATUSES = ("draft", "pending_approval", "scheduled", "sending", "sent", "cancelled")
