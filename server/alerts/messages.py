"""The catalog entries of alerts (merged into server/i18n.py's CATALOG): refusals with their
field."""

from server.alerts.limits import BODY_MAX, TITLE_MAX

MESSAGES = {
    "zh-CN": {
        "alerts.error.title_length": f"标题不能为空，且不超过 {TITLE_MAX} 个字。",
        "alerts.error.body_length": f"正文不能为空，且不超过 {BODY_MAX} 个字。",
        "alerts.error.not_publisher": "只有管理员可以发布通知。",
        "alerts.error.outside_scope": "不在您的管辖范围内，或不存在：{ids}",
        "alerts.error.outside_scope_summary": "通知的发送范围超出了您的管辖范围。",
        "alerts.error.expires_before_send": "失效时间必须晚于发送时间。",
        "alerts.error.expired": "失效时间已过。",
        "alerts.error.no_recipients": "该范围内没有可接收通知的人员。",
        "alerts.error.not_pending": "该通知不在待审核状态。",
        "alerts.error.not_approver": "需由目标范围之上的上级管理员审核。",
        "alerts.error.cannot_cancel": "已发送或已取消的通知不能取消。",
        "alerts.error.link_scheme": "链接只能是应用内页面（#/…、/…）或 http(s):// 网址。",
        "alerts.category.utility": "停水停电",
        "alerts.category.weather": "天气预警",
        "alerts.category.event": "社区活动",
        "alerts.category.policy": "政策通知",
        "alerts.category.safety": "安全提醒",
        "alerts.category.rectification": "整改结果",
        "alerts.category.other": "其他",
        "monthly.alerts.title": "通知发布",
        "monthly.alerts.count": "发出通知",
        "monthly.alerts.recipients": "送达人次",
        "monthly.alerts.by_category": "各类通知",
        "monthly.alerts.note": (
            "本月发出、发送范围含本社区（或其所在的街道、区、市，或本社区的网格、小区、楼栋）的通知。"
        ),
    },
    "en": {
        "alerts.error.title_length": f"The title must not be empty and at most {TITLE_MAX} characters.",
        "alerts.error.body_length": f"The text must not be empty and at most {BODY_MAX} characters.",
        "alerts.error.not_publisher": "Only admins may publish notices.",
        "alerts.error.outside_scope": "Outside your jurisdiction, or not found: {ids}",
        "alerts.error.outside_scope_summary": "The notice's audience lies outside your jurisdiction.",
        "alerts.error.expires_before_send": "The expiry must be after the sending time.",
        "alerts.error.expired": "The expiry has passed.",
        "alerts.error.no_recipients": "Nobody in this audience can receive notices.",
        "alerts.error.not_pending": "This notice is not awaiting approval.",
        "alerts.error.not_approver": "An admin above the audience must approve it.",
        "alerts.error.cannot_cancel": "A sent or cancelled notice cannot be cancelled.",
        "alerts.error.link_scheme": (
            "A link opens a screen of the app (#/…, /…) or an http(s):// address, nothing else."
        ),
        "alerts.category.utility": "Water & power",
        "alerts.category.weather": "Weather",
        "alerts.category.event": "Community events",
        "alerts.category.policy": "Policy",
        "alerts.category.safety": "Safety",
        "alerts.category.rectification": "Rectification results",
        "alerts.category.other": "Other",
        "monthly.alerts.title": "Notices",
        "monthly.alerts.count": "Notices sent",
        "monthly.alerts.recipients": "Recipients",
        "monthly.alerts.by_category": "Notices by category",
        "monthly.alerts.note": (
            "Notices sent in the month whose audience includes the community (or its street, district or city, or"
            " a grid, compound or building of it)."
        ),
    },
}


def entries(locale: str) -> dict[str, str]:
    return MESSAGES[locale]
