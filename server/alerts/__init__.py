"""Alerts (通知公告) and the one notification service every part of Redgrid uses (issue 6)."""
