"""The catalog entries of activities (merged into server/i18n.py's catalog by create_app): each
refusal of the rules (server/activities/rules.py, signups.py) is both a rejection message
("sync.rejected.<entity>.<code>") and a field message ("activity.<code>"); then the texts of the
notices they send."""

from server.i18n import refusal_entries

REFUSALS = {
    "zh-CN": {
        "admin_only": "只有社区管理员可以这样做。",
        "not_a_community": "活动只能发布在社区下。",
        "bad_initial_status": "新记录的状态不对。",
        "ends_before_start": "结束时间要晚于开始时间。",
        "too_long": "一次活动最长一天。",
        "activity_over": "活动已经结束。",
        "organiser_not_volunteer": "组织者必须是到本社区报到的志愿者。",
        "activity_closed": "活动已取消或已结束，不能再更改。",
        "organiser_only": "只有活动组织者可以这样做。",
        "status_transition": "状态不能这样变更。",
        "signup_id": "报名记录有误，请刷新后重新报名。",
        "not_owner": "只能为自己报名。",
        "volunteer_only": "只有到本社区报到的党员志愿者可以报名。",
        "owner_only": "只有报名的志愿者本人可以这样做。",
        "not_seated": "您没有这次活动的名额（候补或已取消），不能签到。",
        "code_required": "签到需要扫描组织者手机上的签到码。",
        "code_invalid": "这不是本次活动的签到码，请核对后重新扫描或输入。",
        "code_wrong_direction": "签到码和签退码弄反了：请扫描对应的码。",
        "code_outside_activity": "这个签到码不在活动时间内，不能签到。",
        "code_expired": "签到码已过期：只在现场显示后一分钟内有效，截图或转发的码无效。",
        "code_replayed": "这个签到码已经用过了，请扫描现场最新的签到码。",
        "already_checked_in": "您已经签到过了。",
        "not_checked_in": "还没有签到。",
        "already_checked_out": "您已经签退过了。",
        "checkout_before_checkin": "签退时间要晚于签到时间。",
        "hours_over_cap": "确认的时长不能超过活动计入的时长。",
    },
    "en": {
        "admin_only": "Only an admin of the community can do this.",
        "not_a_community": "Activities belong to a community.",
        "bad_initial_status": "A new record cannot start in this status.",
        "ends_before_start": "The end must come after the start.",
        "too_long": "An activity lasts at most a day.",
        "activity_over": "The activity is over.",
        "organiser_not_volunteer": "The organiser must be a volunteer reporting to this community.",
        "activity_closed": "The activity was cancelled or closed and can no longer change.",
        "organiser_only": "Only the activity's organiser can do this.",
        "status_transition": "The status cannot change this way.",
        "signup_id": "This sign-up is malformed; refresh and sign up again.",
        "not_owner": "You can only sign yourself up.",
        "volunteer_only": "Only volunteers reporting to this community can sign up.",
        "owner_only": "Only the volunteer who signed up can do this.",
        "not_seated": "You have no seat at this activity (waiting or cancelled), so you cannot check in.",
        "code_required": "Checking in needs the code on the organiser's phone.",
        "code_invalid": "This is not a check-in code of this activity; check it and scan or type it again.",
        "code_wrong_direction": "Check-in and check-out codes are mixed up: scan the right one.",
        "code_outside_activity": "This code was shown outside the activity's time.",
        "code_expired": "The code expired: it counts only within a minute of being shown; screenshots do not.",
        "code_replayed": "This code was used already; scan the newest code at the venue.",
        "already_checked_in": "You have checked in already.",
        "not_checked_in": "Not checked in yet.",
        "already_checked_out": "You have checked out already.",
        "checkout_before_checkin": "Check-out must come after check-in.",
        "hours_over_cap": "The hours confirmed cannot be more than the activity credits.",
    },
}

NOTICES = {
    "zh-CN": {
        "notification.activity_signed_up.title": "报名成功：{title}",
        "notification.activity_signed_up.body": "地点：{place}。请按时到场，扫组织者的签到码签到。",
        "notification.activity_waiting.title": "已进入候补：{title}",
        "notification.activity_waiting.body": "名额已满，您是候补第 {place} 位；有人取消时会自动补上并通知您。",
        "notification.activity_promoted.title": "候补成功，您已获得名额：{title}",
        "notification.activity_promoted.body": "地点：{place}。请按时到场签到。",
        "notification.activity_changed.title": "活动信息有变化：{title}",
        "notification.activity_changed.body": "请查看最新的时间和地点（{place}）。",
        "notification.activity_cancelled.title": "活动已取消：{title}",
        "notification.activity_cancelled.body": "组织方取消了这次活动，感谢您的报名。",
        "notification.activity_hours_confirmed.title": "服务时长已确认：{title}",
        "notification.activity_hours_confirmed.body": "组织者确认了您的服务时长 {hours} 小时，已计入您的服务记录。",
    },
    "en": {
        "notification.activity_signed_up.title": "You are signed up: {title}",
        "notification.activity_signed_up.body": "Place: {place}. Be on time and scan the organiser's code to check in.",
        "notification.activity_waiting.title": "On the waiting list: {title}",
        "notification.activity_waiting.body": (
            "The activity is full; you are number {place} on the waiting list. You will hear when a seat frees."
        ),
        "notification.activity_promoted.title": "A seat freed up for you: {title}",
        "notification.activity_promoted.body": "Place: {place}. Be on time to check in.",
        "notification.activity_changed.title": "The activity changed: {title}",
        "notification.activity_changed.body": "See the new time and place ({place}).",
        "notification.activity_cancelled.title": "The activity was cancelled: {title}",
        "notification.activity_cancelled.body": "The organisers cancelled it. Thank you for signing up.",
        "notification.activity_hours_confirmed.title": "Your service hours are confirmed: {title}",
        "notification.activity_hours_confirmed.body": (
            "The organiser confirmed {hours} hours; they count in your service record."
        ),
    },
}

ENTITIES = ("activity", "activity_key", "activity_signup")


def entries(locale: str) -> dict[str, str]:
    return {**refusal_entries(REFUSALS[locale], "activity", ENTITIES, plain=False), **NOTICES[locale]}
