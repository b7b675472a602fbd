"""A notice's vocabularies and the inbox's limits (no imports: catalogs read them at import).

The inbox keeps what any part sends with room to spare: a title of at most INBOX_TITLE_MAX
characters and a body of at most INBOX_BODY_MAX (notify() cuts longer texts), a dedupe key of
at most DEDUPE_KEY_MAX. An alert's own, stricter limits are server/alerts/limits.py's."""

NOTICE_LEVELS = ("info", "notice", "warning", "urgent")  # 信息 通知 预警 紧急
CATEGORIES = ("utility", "weather", "event", "policy", "safety", "rectification", "other")
DELIVERY_STATES = ("queued", "sent", "delivered", "clicked", "read", "failed", "expired")

KIND_MAX = 40
INBOX_TITLE_MAX = 120
INBOX_BODY_MAX = 1000
LINK_MAX = 200
DEDUPE_KEY_MAX = 160
