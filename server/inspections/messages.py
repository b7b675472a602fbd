"""The catalog entries of inspections (merged into server/i18n.py's CATALOG): the refusals of
the sync rules (as "sync.rejected.<code>" and "inspection.<code>") and the API's messages."""

from server.i18n import refusal_entries

REFUSALS = {
    "zh-CN": {
        "steward_adhoc_only": "红色管家只能发起临时检查；定期检查和随机抽查由管理员安排。",
        "template_not_published": "检查表不存在或尚未发布。",
        "template_elsewhere": "该检查表不适用于此小区所在辖区。",
        "steward_not_of_compound": "该人员不是此小区的红色管家。",
        "bad_initial_status": "新建的检查只能是“待检查”或“检查中”。",
        "not_inspection_steward": "这项检查由其他红色管家负责。",
        "inspection_submitted": "检查已提交，不能再修改。",
        "unknown_item": "检查表中没有该检查项。",
        "answers_incomplete": "还有检查项没有填写结果，请全部填写后再提交。",
        "photo_required": "不合格项必须拍照留证。",
        "order_closed": "该整改单已销号，不能再回复或修改。",
        "staff_only": "只有物业服务企业人员可以回复整改单。",
        "steward_only": "只有红色管家可以复查整改单。",
        "response_required": "回复需要文字说明或照片。",
        "reopen_note_required": "退回整改时必须说明仍存在的问题。",
        "status_transition": "检查或整改单的状态不能这样变更。",
    },
    "en": {
        "steward_adhoc_only": (
            "Stewards start ad-hoc inspections only; periodic ones and spot checks are planned by admins."
        ),
        "template_not_published": "The checklist does not exist or is not published.",
        "template_elsewhere": "This checklist is for another part of the city.",
        "steward_not_of_compound": "This person is not a red steward of the compound.",
        "bad_initial_status": "A new inspection starts as planned or in progress.",
        "not_inspection_steward": "This inspection is another steward's.",
        "inspection_submitted": "The inspection was submitted and can no longer change.",
        "unknown_item": "The checklist has no such item.",
        "answers_incomplete": "Some items have no result yet; answer them all before submitting.",
        "photo_required": "A failed item needs a photo as evidence.",
        "order_closed": "This rectification order is closed: it can no longer be answered or changed.",
        "staff_only": "Only the property company's staff can answer a rectification order.",
        "steward_only": "Only a red steward can re-inspect a rectification order.",
        "response_required": "An answer needs a text or a photo.",
        "reopen_note_required": "Say what is still wrong when reopening.",
        "status_transition": "The status cannot change this way.",
    },
}

MESSAGES = {
    "zh-CN": {
        "inspection.answer_missing": "请填写该项结果（合格、不合格或不适用）。",
        "inspection.bad_code": "编号只能包含字母、数字和 _ . -，最多 40 个字符。",
        "inspection.weight_positive": "分值必须大于 0。",
        "inspection.weights_sum": "各项分值之和为 {total}，应等于满分 {max_score}。",
        "inspection.duplicate_item": "检查项编号“{code}”重复。",
        "inspection.duplicate_category": "分类编号“{code}”重复。",
        "inspection.template_frozen": "已停用的检查表不能修改。",
        "inspection.template_retired": "该检查表已停用。",
        "inspection.template_not_draft": "只有草稿可以发布。",
        "inspection.template_code_taken": "已有相同编号的检查表，请编辑它以生成新版本。",
        "inspection.template_city_only": "只有市级管理员可以设置全市通用的检查表。",
        "inspection.compound_missing": "小区不存在或不在您的管辖范围内。",
        # Notices of rectification orders (server/inspections/notices.py)
        "notification.orders_made.title": "新整改单：{compound} {count} 项",
        "notification.orders_made.body": (
            "红色管家检查发现 {count} 项问题，请在期限内整改并上传照片（最早期限 {deadline}）。"
        ),
        "notification.order_responded.title": "整改已回复：{compound}",
        "notification.order_responded.body": "物业已回复“{item}”的整改，请复查。",
        "notification.order_reopened.title": "整改未通过复查：{compound}",
        "notification.order_reopened.body": "“{item}”复查未通过，请重新整改。复查意见：{note}",
        "notification.order_closed.title": "整改已通过复查：{compound}",
        "notification.order_closed.body": "“{item}”已复查通过，整改单关闭。",
        "notification.rectification_result.title": "整改结果：{compound}",
        "notification.rectification_result.body": "红色管家检查发现的“{item}”问题，物业已整改完成并通过复查。",
    },
    "en": {
        "inspection.answer_missing": "Give this item a result (pass, fail or not applicable).",
        "inspection.bad_code": "Codes hold letters, digits and _ . - only, at most 40 characters.",
        "inspection.weight_positive": "Weights must be greater than 0.",
        "inspection.weights_sum": "The weights add up to {total}; they must add up to the maximum score {max_score}.",
        "inspection.duplicate_item": 'Item code "{code}" is used twice.',
        "inspection.duplicate_category": 'Category code "{code}" is used twice.',
        "inspection.template_frozen": "A retired checklist cannot change.",
        "inspection.template_retired": "This checklist is retired already.",
        "inspection.template_not_draft": "Only a draft can be published.",
        "inspection.template_code_taken": "A checklist with this code exists; edit it to make a new version.",
        "inspection.template_city_only": "Only city admins can make city-wide checklists.",
        "inspection.compound_missing": "The compound does not exist or is outside your jurisdiction.",
        "notification.orders_made.title": "New rectification orders: {compound}, {count}",
        "notification.orders_made.body": (
            "The red steward's inspection found {count} problem(s): fix them "
            "and upload photos before the deadline (first: {deadline})."
        ),
        "notification.order_responded.title": "Rectification answered: {compound}",
        "notification.order_responded.body": "The property company answered “{item}”: please re-inspect.",
        "notification.order_reopened.title": "Re-inspection failed: {compound}",
        "notification.order_reopened.body": "“{item}” did not pass re-inspection; please fix it again. Note: {note}",
        "notification.order_closed.title": "Re-inspection passed: {compound}",
        "notification.order_closed.body": "“{item}” passed re-inspection; the order is closed.",
        "notification.rectification_result.title": "Rectification result: {compound}",
        "notification.rectification_result.body": (
            "“{item}”, found by the red steward's inspection, has been fixed by the property company and re-inspected."
        ),
    },
}


def entries(locale: str) -> dict[str, str]:
    """Every catalog entry of inspections in one locale."""
    out = dict(MESSAGES[locale])
    # Per entity as well: a task's code of the same name keeps its words.
    out.update(refusal_entries(REFUSALS[locale], "inspection", ("inspection", "rectification_order")))
    return out
