"""An alert's limits and vocabularies (no imports: the catalog reads them at import).

A title of at most TITLE_MAX characters (a phone's notification shows about one line of
Chinese); a body of at most BODY_MAX (the Web Push payload must stay under 3 KB, DESIGN.md §6:
500 CJK characters are 1,500 bytes of UTF-8, leaving room for the title, link and ack token)."""

TITLE_MAX = 60
BODY_MAX = 500
LEVELS = ("info", "notice", "warning", "urgent")  # 信息 通知 预警 紧急
CATEGORIES = ("utility", "weather", "event", "policy", "safety", "rectification", "other")
STATUSES = ("draft", "pending_approval", "scheduled", "sending", "sent", "cancelled")
DELIVERY_STATES = ("queued", "sent", "delivered", "clicked", "read", "failed", "expired")
