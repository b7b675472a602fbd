"""Web Push subscriptions: one row per browser (device) that said yes, several per user.

The endpoint is the push service's URL for that browser; p256dh and auth are the keys the
payload is encrypted to (RFC 8291). A push service answering 404/410 means the browser dropped
the subscription, and the row is deleted (server/push/sender.py).
"""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.extensions import db


class PushSubscription(db.Model):
    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Push service URLs run to ~200-500 characters (FCM's are the longest).
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))  # base64url of the 65-byte P-256 point
    auth: Mapped[str] = mapped_column(String(40))  # base64url of the 16-byte secret
    user_agent: Mapped[str | None] = mapped_column(String(300))
    device_label: Mapped[str | None] = mapped_column(String(80))  # e.g. "华为 Mate 60 · Chrome"
    # Alert categories this device wants; null means all (the settings screen, per device).
    categories: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_count: Mapped[int] = mapped_column(default=0)  # consecutive failures; reset on success

    def wants(self, category: str | None) -> bool:
        """Whether this device takes pushes of `category` (no category: always)."""
        return category is None or self.categories is None or category in self.categories
