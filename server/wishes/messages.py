"""The catalog entries of micro-wishes (merged into server/i18n.py's catalog by create_app): each
refusal of the wish rules (server/wishes/rules.py) is both a rejection message
("sync.rejected.wish.<code>" and "sync.rejected.wish_card.<code>") and a field message
("wish.<code>"); then the texts of the notices they send."""

from server.i18n import refusal_entries

REFUSALS = {
    "zh-CN": {
        "not_owner": "只能为自己提交微心愿。",
        "not_your_household": "所选住户不是您的住户。",
        "no_community": "该住户不属于任何社区。",
        "bad_initial_status": "新的微心愿状态只能是“待审核”。",
        "wanted_by_past": "期望完成日期不能早于今天。",
        "wish_closed": "该心愿已未通过、已合并或已撤回，不能再更改。",
        "wish_reviewed": "该心愿已审核发布，不能再更改。",
        "status_transition": "心愿状态不能这样变更。",
        "owner_only": "只有提出心愿的居民可以这样做。",
        "admin_only": "只有社区管理员可以这样做。",
        "public_title_required": "发布到心愿墙需要填写公开标题。",
        "private_details": "心愿墙上的文字不能出现居民的姓名、电话或门牌号。",
        "photo_not_in_wish": "心愿墙只能展示居民提交的照片。",
        "reason_required": "请填写原因。",
        "merge_target": "只能合并到本社区已发布的心愿。",
        "card_closed": "该心愿已确认或已关闭。",
        "volunteer_only": "只有到本社区报到的党员志愿者可以认领。",
        "already_claimed": "该心愿已被其他志愿者先认领了。",
        "not_claimant": "该心愿由其他志愿者认领。",
        "evidence_required": "完成心愿需要上传照片。",
        "not_fulfilled": "心愿还没有完成，暂不能评价。",
        "rating_required": "请给这次帮助打 1 到 5 星。",
        "not_unit_member": "只有该单位的报到党员可以以单位名义认领。",
        "unit_at_claim": "以单位名义认领只能在认领时选择。",
    },
    "en": {
        "not_owner": "A wish is made by its resident for themselves.",
        "not_your_household": "This household is not yours.",
        "no_community": "This household is in no community.",
        "bad_initial_status": "A new wish starts as submitted.",
        "wanted_by_past": "The date wished for cannot be in the past.",
        "wish_closed": "This wish was rejected, merged or withdrawn and can no longer change.",
        "wish_reviewed": "This wish was reviewed and published and can no longer change.",
        "status_transition": "The wish's status cannot change this way.",
        "owner_only": "Only the wish's resident can do this.",
        "admin_only": "Only an admin of the community can do this.",
        "public_title_required": "A wish on the wall needs a public title.",
        "private_details": "The wall's words must not show the resident's name, phone or door number.",
        "photo_not_in_wish": "The wall shows only photos the resident sent.",
        "reason_required": "Say why.",
        "merge_target": "A wish merges only into a published wish of the same community.",
        "card_closed": "This wish was confirmed or closed.",
        "volunteer_only": "Only volunteers reporting to this community can claim a wish.",
        "already_claimed": "Another volunteer claimed this wish first.",
        "not_claimant": "This wish is claimed by another volunteer.",
        "evidence_required": "A fulfilled wish needs a photo.",
        "not_fulfilled": "The wish is not fulfilled yet; it cannot be rated.",
        "rating_required": "Rate the help from 1 to 5 stars.",
        "not_unit_member": "Only members reporting with the unit may claim for it.",
        "unit_at_claim": "A claim names its unit when it is made.",
    },
}

NOTICES = {
    "zh-CN": {
        "notification.wish_submitted.title": "新的微心愿待审核：{title}",
        "notification.wish_submitted.body": "居民提交了一个微心愿，请审核后发布到心愿墙。",
        "notification.wish_approved.title": "您的微心愿已发布：{title}",
        "notification.wish_approved.body": "心愿已发布到社区心愿墙，有志愿者认领时会通知您。",
        "notification.wish_rejected.title": "您的微心愿未通过：{title}",
        "notification.wish_rejected.body": "原因：{note}",
        "notification.wish_merged.title": "您的微心愿已与相同心愿合并：{title}",
        "notification.wish_merged.body": "社区将与相同的心愿一起安排。{note}",
        "notification.wish_claimed.title": "您的微心愿已有志愿者认领：{title}",
        "notification.wish_claimed.body": "志愿者会尽快联系并帮您完成。",
        "notification.wish_fulfilled.title": "您的微心愿已完成：{title}",
        "notification.wish_fulfilled.body": "请确认并给这次帮助评价。",
        "notification.wish_confirmed.title": "居民已确认您完成的心愿：{title}",
        "notification.wish_confirmed.body": "评价：{rating} 星。感谢您的服务！",
        "notification.wish_released.title": "您认领的心愿已退回心愿墙：{title}",
        "notification.wish_released.body": "认领已超过期限或由管理员取消，其他志愿者现在可以认领。",
    },
    "en": {
        "notification.wish_submitted.title": "A new micro-wish to review: {title}",
        "notification.wish_submitted.body": "A resident posted a micro-wish; review it and publish it on the wall.",
        "notification.wish_approved.title": "Your micro-wish is on the wall: {title}",
        "notification.wish_approved.body": "You will hear when a volunteer claims it.",
        "notification.wish_rejected.title": "Your micro-wish was not accepted: {title}",
        "notification.wish_rejected.body": "Why: {note}",
        "notification.wish_merged.title": "Your micro-wish was merged with the same wish: {title}",
        "notification.wish_merged.body": "The community will arrange it together with the same wish. {note}",
        "notification.wish_claimed.title": "A volunteer claimed your micro-wish: {title}",
        "notification.wish_claimed.body": "The volunteer will be in touch to help you.",
        "notification.wish_fulfilled.title": "Your micro-wish was fulfilled: {title}",
        "notification.wish_fulfilled.body": "Please confirm it and rate the help.",
        "notification.wish_confirmed.title": "The resident confirmed the wish you fulfilled: {title}",
        "notification.wish_confirmed.body": "Rating: {rating} stars. Thank you for your service!",
        "notification.wish_released.title": "A wish you claimed is back on the wall: {title}",
        "notification.wish_released.body": (
            "The claim passed its deadline or an admin released it; other volunteers may claim it now."
        ),
    },
}


FIELDS = {
    "zh-CN": {"wish.bad_unit": "单位编号无效。"},
    "en": {"wish.bad_unit": "Not a unit."},
}


def entries(locale: str) -> dict[str, str]:
    # Only per entity: a wish's codes keep their words without changing a task's of the same name.
    refusals = refusal_entries(REFUSALS[locale], "wish", ("wish", "wish_card"), plain=False)
    return {**refusals, **NOTICES[locale], **FIELDS[locale]}
