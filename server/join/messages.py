"""The catalog entries of joining (merged into server/i18n.py's catalog by create_app): the field
and error messages ("join.<code>") and the texts of the notices."""

MESSAGES = {
    "zh-CN": {
        "join.blank": "此项不能只有空格。",
        "join.wrong_password": "当前密码不正确。",
        "join.already_bound": "您已加入一个家庭；如需更换，请先在“我的”里退出当前家庭。",
        "join.grid_workers_only": "只有网格员可以邀请住户。",
        "join.deciders_only": "只有网格员和社区管理员可以处理入户申请。",
        "join.invite_invalid": "邀请码不正确，请核对后重新输入，或请网格员重新生成。",
        "join.invite_expired": "邀请码已过期（有效期 72 小时），请网格员重新生成。",
        "join.invite_used": "该邀请码已被使用过，每个邀请码只能用一次。",
        "join.no_compound": "找不到该小区，请从列表中选择。",
        "join.request_pending": "您已有一个待审核的入户申请，请等待处理或先撤回。",
        "join.request_decided": "该申请已处理过了。",
        "join.household_not_yours": "该住户不在您的网格名册中。",
        "join.household_elsewhere": "该住户不在申请所选的小区。",
        "notification.join_requested.title": "新的入户申请：{name}",
        "notification.join_requested.body": "申请地址：{address}。请在名册中核对后通过或退回。",
        "notification.join_approved.title": "您已加入家庭",
        "notification.join_approved.body": "入户申请已通过，现在可以看到本户和小区的通知了。",
        "notification.join_rejected.title": "入户申请未通过",
        "notification.join_rejected.body": "原因：{reason}",
        "notification.join_joined.title": "住户已用邀请码加入：{name}",
        "notification.join_joined.body": "您生成的邀请码已被使用，该账号已绑定到对应住户。",
    },
    "en": {
        "join.blank": "This cannot be only spaces.",
        "join.wrong_password": "The current password is wrong.",
        "join.already_bound": "You already belong to a household; to change, leave it first under Me.",
        "join.grid_workers_only": "Only grid workers can invite residents.",
        "join.deciders_only": "Only grid workers and community admins handle join requests.",
        "join.invite_invalid": "This invitation code is not right; check it, or ask the grid worker for a new one.",
        "join.invite_expired": "This invitation has expired (it lasts 72 hours); ask the grid worker for a new one.",
        "join.invite_used": "This invitation code was used already; each code works once.",
        "join.no_compound": "No such compound; pick one from the list.",
        "join.request_pending": "You have a join request waiting; wait for it or withdraw it first.",
        "join.request_decided": "This request was handled already.",
        "join.household_not_yours": "This household is not in your grid directory.",
        "join.household_elsewhere": "This household is not in the compound the request names.",
        "notification.join_requested.title": "A new join request: {name}",
        "notification.join_requested.body": "Address: {address}. Find it in your directory; approve or return it.",
        "notification.join_approved.title": "You have joined your household",
        "notification.join_approved.body": "Approved: you now see your household's and compound's notices.",
        "notification.join_rejected.title": "Your join request was not approved",
        "notification.join_rejected.body": "Why: {reason}",
        "notification.join_joined.title": "A resident joined with your invitation: {name}",
        "notification.join_joined.body": "An invitation you made was used; the account is now bound to that household.",
    },
}


def entries(locale: str) -> dict[str, str]:
    return MESSAGES[locale]
