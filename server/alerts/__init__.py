"""Alerts (通知公告): what an admin publishes to an audience, approved when it is wide, sent now or
at a set time through the notification service (server/notices), and followed by its counts."""
