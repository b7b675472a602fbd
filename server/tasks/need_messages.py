"""The catalog entries of residents' needs (merged into server/i18n.py's catalog by create_app):
each refusal of the need rules (server/tasks/need_rules.py) is both a rejection message
("sync.rejected.need.<code>") and a field message ("need.<code>"); then the categories, the
figures' field messages and the texts of the notices."""

from server.i18n import refusal_entries

REFUSALS = {
    "zh-CN": {
        "not_owner": "只能为自己提交诉求。",
        "not_your_household": "所选住户不是您的住户。",
        "no_community": "该住户不属于任何社区。",
        "bad_initial_status": "新的诉求状态只能是“已接收”。",
        "owner_only": "只有提出诉求的居民可以这样做。",
        "need_taken": "诉求已受理，内容不能再修改。",
        "handler_only": "只有本网格的网格员或社区管理员可以办理诉求。",
        "admin_only": "只有管理员可以这样做。",
        "status_transition": "诉求状态不能这样变更。",
        "note_required": "请填写办理情况或转办原因。",
        "referral_required": "请填写转办给谁（社区或部门）。",
        "not_resolved": "诉求还没有办结，暂不能评价。",
        "already_rated": "这次办理已经评价过了。",
        "rating_required": "请给办理结果打 1 到 5 分。",
    },
    "en": {
        "not_owner": "A need is filed by its resident for themselves.",
        "not_your_household": "This household is not yours.",
        "no_community": "This household is in no community.",
        "bad_initial_status": "A new need starts as received.",
        "owner_only": "Only the need's resident can do this.",
        "need_taken": "The need was taken up; its words can no longer change.",
        "handler_only": "Only the grid's worker or an admin can handle a need.",
        "admin_only": "Only an admin can do this.",
        "status_transition": "The need's status cannot change this way.",
        "note_required": "Say what was done, or why it is referred.",
        "referral_required": "Name whom it is referred to (the community or a department).",
        "not_resolved": "The need is not resolved yet; it cannot be rated.",
        "already_rated": "This resolution was rated already.",
        "rating_required": "Rate the result from 1 to 5.",
    },
}

MESSAGES = {
    "zh-CN": {
        "need.category.sanitation": "环境卫生",
        "need.category.repair": "设施维修",
        "need.category.safety": "安全隐患",
        "need.category.dispute": "矛盾纠纷",
        "need.category.help": "帮扶求助",
        "need.category.policy": "政策咨询",
        "need.category.other": "其他",
        "need.period_empty": "结束时间应晚于开始时间。",
        "notification.need_received.title": "新的居民诉求（{category}）",
        "notification.need_received.body": "{text}",
        "notification.need_accepted.title": "您的诉求已受理（{category}）",
        "notification.need_accepted.body": "网格员已受理，正在办理：{text}",
        "notification.need_resolved.title": "您的诉求已办结（{category}）",
        "notification.need_resolved.body": "办理情况：{note}。请对办理结果评价。",
        "notification.need_referred.title": "您的诉求已转办（{category}）",
        "notification.need_referred.body": "已转给：{referred_to}。原因：{note}",
        "notification.need_escalated.title": "诉求需要社区处理（{category}）",
        "notification.need_escalated.body": "{reason}，请及时督办：{text}",
        "need.escalation.response_overdue": "超时未响应",
        "need.escalation.resolution_overdue": "超时未办结",
        "need.escalation.low_rating": "居民不满意",
    },
    "en": {
        "need.category.sanitation": "Sanitation",
        "need.category.repair": "Repairs",
        "need.category.safety": "Safety hazard",
        "need.category.dispute": "Dispute",
        "need.category.help": "Help",
        "need.category.policy": "Policy question",
        "need.category.other": "Other",
        "need.period_empty": "The end must come after the start.",
        "notification.need_received.title": "A new need from a resident ({category})",
        "notification.need_received.body": "{text}",
        "notification.need_accepted.title": "Your need was taken up ({category})",
        "notification.need_accepted.body": "Your grid worker is on it: {text}",
        "notification.need_resolved.title": "Your need was resolved ({category})",
        "notification.need_resolved.body": "What was done: {note}. Please rate the result.",
        "notification.need_referred.title": "Your need was referred ({category})",
        "notification.need_referred.body": "Referred to: {referred_to}. Why: {note}",
        "notification.need_escalated.title": "A need for the community to handle ({category})",
        "notification.need_escalated.body": "{reason}; please follow it up: {text}",
        "need.escalation.response_overdue": "Not responded to in time",
        "need.escalation.resolution_overdue": "Not resolved in time",
        "need.escalation.low_rating": "The resident was not satisfied",
    },
}


def entries(locale: str) -> dict[str, str]:
    # Only per entity: a need's codes keep their words without changing a task's or a wish's.
    return {**refusal_entries(REFUSALS[locale], "need", ("need",), plain=False), **MESSAGES[locale]}
