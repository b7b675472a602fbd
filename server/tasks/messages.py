"""The catalog entries of grid work (merged into server/i18n.py's catalog by create_app): each
refusal of the task and field report rules (server/tasks/rules.py) is both a rejection message
("sync.rejected.<code>", also per entity) and a field message ("task.<code>"); then the tasks'
own messages and the texts of the notices they send."""

from server.i18n import refusal_entries

REFUSALS = {
    "zh-CN": {
        "target_missing": "任务对象不存在或不在您的管辖范围内。",
        "target_no_grid": "任务对象不属于任何网格，无法派发。",
        "due_in_past": "截止时间不能早于现在。",
        "bad_initial_status": "新任务的状态只能是“待办”。",
        "assignee_not_in_grid": "只能派给该网格的网格员。",
        "not_assignee": "该任务没有派给您，不能办理或填写反馈。",
        "task_cancelled": "该任务已取消。",
        "task_closed": "该任务已办结，不能再更改状态；如需重办请联系管理员。",
        "cancel_admin_only": "只有管理员可以取消任务。",
        "worker_only": "只有负责该任务的网格员可以办理。",
        "transition": "任务状态不能这样变更。",
        "unable_reason_required": "标记为“无法完成”时必须填写原因。",
        "not_reporter": "只有上报人可以修改这条问题上报。",
        "report_handled": "该问题已处理，不能再修改。",
        "report_converted": "该问题已转为任务，不能再变更。",
        "report_task_required": "转为任务时必须关联一个已有任务。",
        "dismiss_reason_required": "不予处理时必须填写原因。",
        "place_not_in_grid": "所选楼栋或住户不在该网格内。",
        "place_mismatch": "所选住户不在所选楼栋内。",
    },
    "en": {
        "target_missing": "The task's target does not exist or is outside your jurisdiction.",
        "target_no_grid": "The target is in no grid; no one could work this task.",
        "due_in_past": "The due time cannot be in the past.",
        "bad_initial_status": "A new task starts as assigned.",
        "assignee_not_in_grid": "Assign tasks only to a grid worker of the task's grid.",
        "not_assignee": "This task is not assigned to you: you cannot work it or report on it.",
        "task_cancelled": "This task was cancelled.",
        "task_closed": "This task is finished and its status cannot change; ask an admin to reopen it.",
        "cancel_admin_only": "Only an admin can cancel a task.",
        "worker_only": "Only the task's grid worker can do this.",
        "transition": "The task's status cannot change this way.",
        "unable_reason_required": "Say why the task cannot be done.",
        "not_reporter": "Only the reporter can change this report.",
        "report_handled": "This report was handled and can no longer change.",
        "report_converted": "This report became a task and can no longer change.",
        "report_task_required": "A converted report must name an existing task.",
        "dismiss_reason_required": "Say why the report is dismissed.",
        "place_not_in_grid": "The building or household is not in this grid.",
        "place_mismatch": "The household is not in the chosen building.",
    },
}
MESSAGES = {
    "zh-CN": {
        "notification.task_assigned.title": "新任务：{title}",
        "notification.task_assigned.body": "您有一项新任务，请及时处理。",
        "notification.tasks_assigned.title": "{count} 项新任务：{title}",
        "notification.tasks_assigned.body": "已一次派发给您 {count} 项任务，请在“我的任务”中查看并及时处理。",
        "task.location_status_mismatch": "已有定位时不能标记为“无法定位”。",
        "task.location_required": "定位状态为“已定位”时必须有位置。",
        "task.nothing_to_change": "没有要修改的内容。",
        "task.already_cancelled": "该任务已经取消，无需再次取消。",
        "task.template_missing": "检查清单模板不存在。",
        "task.template_type": "检查清单模板不适用于该任务类型。",
        "task.template_duplicate_keys": "检查项的编号不能重复。",
        "task.template_city_only": "只有市级管理员可以设置全市通用的模板。",
        "task.bulk_created": "已派发 {count} 项任务。",
        "task.bulk_unassigned": "其中 {count} 项所在网格暂无网格员（{grids}），待指派。",
        "task.bulk_skipped": "另有 {count} 个对象不属于任何网格，未派发。",
        "task.bulk_outside": "另有 {count} 个对象所在网格不在您的辖区内，未派发。",
        "task.bulk_preview_created": "将派发 {count} 项任务（预览，尚未派发）。",
        "task.bulk_preview_unassigned": "其中 {count} 项所在网格暂无网格员（{grids}），将待指派。",
        "task.bulk_preview_skipped": "另有 {count} 个对象不属于任何网格，不会派发。",
        "task.bulk_preview_outside": "另有 {count} 个对象所在网格不在您的辖区内，不会派发。",
        "task.grid_outside": "所在网格不在您的辖区内。",
        "report.category.sanitation": "环境卫生",
        "report.category.safety": "安全隐患",
        "report.category.facility": "设施损坏",
        "report.category.dispute": "矛盾纠纷",
        "report.category.illegal_building": "违章搭建",
        "report.category.hardship": "困难帮扶",
        "report.category.other": "其他问题",
    },
    "en": {
        "notification.task_assigned.title": "New task: {title}",
        "notification.task_assigned.body": "You have a new task.",
        "notification.tasks_assigned.title": "New tasks ({count}): {title}",
        "notification.tasks_assigned.body": "{count} tasks were assigned to you at once; see My tasks.",
        "task.location_status_mismatch": "A position was given: the location cannot be marked as unavailable.",
        "task.location_required": 'Location status "ok" needs a position.',
        "task.nothing_to_change": "Nothing to change.",
        "task.already_cancelled": "This task is cancelled already.",
        "task.template_missing": "No such checklist template.",
        "task.template_type": "This checklist template is for another task type.",
        "task.template_duplicate_keys": "Checklist item keys must be unique.",
        "task.template_city_only": "Only city admins can make city-wide templates.",
        "task.bulk_created": "{count} tasks given out.",
        "task.bulk_unassigned": " {count} of them are in grids without a grid worker ({grids}) and wait for one.",
        "task.bulk_skipped": " {count} targets are in no grid and got no task.",
        "task.bulk_outside": " {count} targets are in grids outside your jurisdiction and got no task.",
        "task.bulk_preview_created": "{count} tasks would be given out (a preview: nothing was given out yet).",
        "task.bulk_preview_unassigned": (
            " {count} of them would be in grids without a grid worker ({grids}) and wait for one."
        ),
        "task.bulk_preview_skipped": " {count} targets are in no grid and would get no task.",
        "task.bulk_preview_outside": " {count} targets are in grids outside your jurisdiction and would get no task.",
        "task.grid_outside": "Its grid is outside your jurisdiction.",
        "report.category.sanitation": "Sanitation",
        "report.category.safety": "Safety hazard",
        "report.category.facility": "Damaged facility",
        "report.category.dispute": "Dispute",
        "report.category.illegal_building": "Illegal building",
        "report.category.hardship": "Hardship",
        "report.category.other": "Other problem",
    },
}


def entries(locale: str) -> dict[str, str]:
    # Per entity as well: an inspection may refuse with the same code in its own words.
    out = refusal_entries(REFUSALS[locale], "task", ("task", "field_report"))
    out.update(MESSAGES[locale])
    return out
