"""The catalog entries of the notification service (merged into server/i18n.py's catalog by
create_app). The ack's key keeps its name from when acks were the alerts' (clients may know it)."""

MESSAGES = {
    "zh-CN": {
        "alerts.error.bad_token": "回执无效。",
    },
    "en": {
        "alerts.error.bad_token": "Invalid acknowledgement.",
    },
}


def entries(locale: str) -> dict[str, str]:
    return MESSAGES[locale]
