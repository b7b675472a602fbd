"""Server-side message catalog (Simplified Chinese first, English available).

The PWA has its own catalogs in pwa/i18n/; this one covers what the API says:
error messages and the field messages of marshmallow validation.
"""
import re

from flask import current_app, has_request_context, request

LOCALES = ("zh-CN", "en")

CATALOG: dict[str, dict[str, str]] = {
    "zh-CN": {
        "error.bad_request": "请求格式不正确。",
        "error.invalid_json": "请求内容不是有效的 JSON。",
        "error.validation": "提交的内容有误，请按提示修改。",
        "error.unauthorized": "请先登录。",
        "error.forbidden": "您没有权限执行此操作。",
        "error.not_found": "找不到该内容，或您无权查看。",
        "error.method_not_allowed": "不支持该请求方法。",
        "error.conflict": "与现有数据冲突。",
        "error.csrf": "安全校验失败，请刷新页面后重试。",
        "error.throttled": "登录尝试过于频繁，请 {seconds} 秒后再试。",
        "resident.phone_throttled": "查看完整号码过于频繁，请 {seconds} 秒后再试。",
        "error.too_large": "提交的内容过大。",
        "error.internal": "服务器出错了，请稍后再试。",
        "auth.invalid_credentials": "手机号或密码错误。",
        "auth.inactive": "该账号已停用，请联系社区管理员。",
        "user.phone_taken": "该手机号已注册。",
        "user.managed_elsewhere": "该账号在您的管辖范围外还有角色，其密码、姓名、语言和启用状态须由管辖其全部角色的管理员修改。",
        "role.scope_mismatch": "角色“{role}”的范围必须是{scope}。",
        "role.scope_missing": "所选范围不存在。",
        "role.out_of_scope": "该范围不在您的管辖范围内。",
        "role.duplicate": "该用户已拥有此角色和范围。",
        "role.self_admin": "不能撤销自己的管理员角色。",
        "scope.org_unit": "辖区",
        "scope.grid": "网格",
        "scope.community": "社区",
        "scope.compound": "小区",
        "scope.company": "物业服务企业",
        "scope.household": "住户",
        "sync.unsupported_protocol": "应用版本过旧，无法同步（服务器支持：{supported}）。请刷新或更新应用，未同步的数据会保留。",
        "sync.batch_too_big": "一次最多提交 {max} 条修改。",
        "sync.missing_blobs": "有照片还没有上传，上传后会自动重试。",
        "sync.bad_mutation": "提交的修改格式不正确。",
        "sync.cursor_invalid": "同步位置无效，将重新同步。",
        "sync.cursor_expired": "服务器数据已更新，需要重新同步（未提交的修改会保留）。",
        "sync.resolve_admin_only": "只有管理员可以处理冲突。",
        "sync.already_resolved": "该冲突已处理。",
        "sync.record_gone": "该记录已被删除，无法采用此值。",
        "sync.rejected.unknown_entity": "应用版本过旧，服务器不认识这类记录。",
        "sync.rejected.out_of_scope": "该记录不存在或不在您的管辖范围内。",
        "sync.rejected.not_found": "该记录不存在。",
        "sync.rejected.exists": "已有相同编号的记录。",
        "sync.rejected.deleted": "该记录已在服务器上删除。",
        "sync.rejected.forbidden_op": "您的角色不能执行此操作。",
        "sync.rejected.unknown_field": "包含服务器不认识的字段。",
        "sync.rejected.forbidden_field": "您的角色不能修改这些字段。",
        "sync.rejected.create_only": "这些字段创建后不能修改。",
        "sync.rejected.changed_since": "他人已修改该记录，请同步后再决定。",
        "sync.rejected.invalid": "内容有误，请按提示修改。",
        "sync.rejected.mutation_id_taken": "修改编号冲突，请重试。",
        "field.phone": "请输入 11 位中国大陆手机号。",
        "field.nul": "不能包含空字符（NUL）。",
        "field.number_range": "数字超出允许范围。",
        "field.too_deep": "嵌套层级过深。",
        "field.year_range": "年份应在 1900 到 2999 之间。",
        "field.password_short": "密码至少 {min} 位。",
        "field.password_common": "该密码过于常见，很容易被猜到，请换一个。",
        "blob.bad_sha256": "应为 64 位小写十六进制的 SHA-256。",
        "blob.bad_range": "Content-Range 请求头与请求内容不符。",
        "blob.hash_mismatch": "收到的内容与 SHA-256 不符，请重新上传。",
        "blob.unsupported_type": "只支持 JPEG、PNG 和 WebP 图片。",
        "blob.too_large": "图片过大，不能超过 {mib} MiB。",
        "blob.too_many_pixels": "图片尺寸过大，不能超过 {megapixels} 百万像素。",
        "blob.bad_image": "图片已损坏或不完整，无法打开。",
        "blob.wrong_offset": "上传应从第 {offset} 字节继续。",
        "blob.wrong_total": "该上传的总大小是 {total} 字节，与本次请求不符。",
    },
    "en": {
        "error.bad_request": "The request is malformed.",
        "error.invalid_json": "The request body is not valid JSON.",
        "error.validation": "Some fields are invalid; please correct them.",
        "error.unauthorized": "Please sign in first.",
        "error.forbidden": "You are not allowed to do this.",
        "error.not_found": "Not found, or outside your scope.",
        "error.method_not_allowed": "Method not allowed.",
        "error.conflict": "This conflicts with existing data.",
        "error.csrf": "Security check failed; reload the page and try again.",
        "error.throttled": "Too many sign-in attempts; try again in {seconds} s.",
        "resident.phone_throttled": "Too many full phone numbers asked for; try again in {seconds} s.",
        "error.too_large": "The request is too large.",
        "error.internal": "Something went wrong on the server; try again later.",
        "auth.invalid_credentials": "Wrong phone number or password.",
        "auth.inactive": "This account is disabled; contact your community admin.",
        "user.phone_taken": "This phone number is already registered.",
        "user.managed_elsewhere": "This account also holds roles outside your jurisdiction: its password, name, language and active state are changed by an admin over all its roles.",
        "role.scope_mismatch": "The scope of role “{role}” must be a {scope}.",
        "role.scope_missing": "The chosen scope does not exist.",
        "role.out_of_scope": "This scope is outside your jurisdiction.",
        "role.duplicate": "The user already holds this role with this scope.",
        "role.self_admin": "You cannot revoke your own admin role.",
        "scope.org_unit": "org unit",
        "scope.grid": "grid",
        "scope.community": "community",
        "scope.compound": "compound",
        "scope.company": "property company",
        "scope.household": "household",
        "sync.unsupported_protocol": "This app is too old to sync (the server speaks {supported}). Reload or update the app; unsynced data is kept.",
        "sync.batch_too_big": "At most {max} changes per request.",
        "sync.missing_blobs": "Some photos are not uploaded yet; the sync retries after uploading them.",
        "sync.bad_mutation": "A change is malformed.",
        "sync.cursor_invalid": "The sync position is not valid; syncing again from the start.",
        "sync.cursor_expired": "The server's data changed; syncing again from the start (unsent changes are kept).",
        "sync.resolve_admin_only": "Only an admin can resolve conflicts.",
        "sync.already_resolved": "This conflict has already been resolved.",
        "sync.record_gone": "The record was deleted; this value cannot be used.",
        "sync.rejected.unknown_entity": "This app is too old: the server does not know this kind of record.",
        "sync.rejected.out_of_scope": "The record does not exist or is outside your scope.",
        "sync.rejected.not_found": "The record does not exist.",
        "sync.rejected.exists": "A record with this id already exists.",
        "sync.rejected.deleted": "The record was deleted on the server.",
        "sync.rejected.forbidden_op": "Your role may not do this.",
        "sync.rejected.unknown_field": "Some fields are unknown to the server.",
        "sync.rejected.forbidden_field": "Your role may not change these fields.",
        "sync.rejected.create_only": "These fields cannot change after creation.",
        "sync.rejected.changed_since": "Someone changed this record; sync, then decide again.",
        "sync.rejected.invalid": "Some fields are invalid; please correct them.",
        "sync.rejected.mutation_id_taken": "Change id collision; please retry.",
        "field.phone": "Enter an 11-digit mainland China mobile number.",
        "field.nul": "Must not contain NUL characters.",
        "field.number_range": "The number is out of range.",
        "field.too_deep": "Nested too deeply.",
        "field.year_range": "The year must be between 1900 and 2999.",
        "field.password_short": "The password needs at least {min} characters.",
        "field.password_common": "This password is one of the most common ones and easy to guess; choose another.",
        "blob.bad_sha256": "Expected a SHA-256 as 64 lowercase hex digits.",
        "blob.bad_range": "The Content-Range header does not match the request body.",
        "blob.hash_mismatch": "The bytes received do not match the SHA-256; upload again.",
        "blob.unsupported_type": "Only JPEG, PNG and WebP images are accepted.",
        "blob.too_large": "The image is too large; the limit is {mib} MiB.",
        "blob.too_many_pixels": "The image has too many pixels; the limit is {megapixels} megapixels.",
        "blob.bad_image": "The image is damaged or incomplete and cannot be opened.",
        "blob.wrong_offset": "The upload continues at byte {offset}.",
        "blob.wrong_total": "This upload is {total} bytes in total, not what this request says.",
    },
}

# Grid work (server/tasks): each refusal of the task and field report rules (server.tasks.rules)
# is both a rejection message ("sync.rejected.<code>") and a field message ("task.<code>").
_TASK_REFUSALS = {
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
_TASK_MESSAGES = {
    "zh-CN": {
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
        "task.location_status_mismatch": "A position was given: the location cannot be marked as unavailable.",
        "task.location_required": "Location status \"ok\" needs a position.",
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
        "task.bulk_preview_unassigned": " {count} of them would be in grids without a grid worker ({grids}) and wait for one.",
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
for _locale, _texts in _TASK_REFUSALS.items():
    CATALOG[_locale].update({f"sync.rejected.{code}": text for code, text in _texts.items()})
    # Per entity as well: an inspection may refuse with the same code in its own words.
    for _entity in ("task", "field_report"):
        CATALOG[_locale].update({f"sync.rejected.{_entity}.{code}": text for code, text in _texts.items()})
    CATALOG[_locale].update({f"task.{code}": text for code, text in _texts.items()})
    CATALOG[_locale].update(_TASK_MESSAGES[_locale])

from server.inspections.messages import entries as _inspection_entries  # noqa: E402 (plain dicts, no cycle)
from server.inspections.management_messages import entries as _management_entries  # noqa: E402
from server.push.messages import entries as _push_entries  # noqa: E402
from server.alerts.messages import entries as _alert_entries  # noqa: E402
from server.sync.messages import entries as _sync_entries  # noqa: E402

for _locale in LOCALES:
    CATALOG[_locale].update(_inspection_entries(_locale))
    CATALOG[_locale].update(_management_entries(_locale))
    CATALOG[_locale].update(_push_entries(_locale))
    CATALOG[_locale].update(_alert_entries(_locale))
    CATALOG[_locale].update(_sync_entries(_locale))

# marshmallow's default English messages, translated; {n} groups come from the regex.
_FIELD_MESSAGES_ZH: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^Missing data for required field\.$"), "此项必填。"),
    (re.compile(r"^Unknown field\.$"), "不认识的字段。"),
    (re.compile(r"^Field may not be null\.$"), "此项不能为空。"),
    (re.compile(r"^Not a valid string\.$"), "应为文本。"),
    (re.compile(r"^Not a valid integer\.$"), "应为整数。"),
    (re.compile(r"^Not a valid number\.$"), "应为数字。"),
    (re.compile(r"^Not a valid boolean\.$"), "应为是或否。"),
    (re.compile(r"^Not a valid list\.$"), "应为列表。"),
    (re.compile(r"^Not a valid datetime\.$"), "日期时间格式不正确。"),
    (re.compile(r"^Not a valid aware datetime\.$"), "日期时间须带时区，如 2026-12-01T18:00:00+08:00。"),
    (re.compile(r"^Not a valid naive datetime\.$"), "日期时间不应带时区。"),
    (re.compile(r"^Not a valid date\.$"), "日期格式不正确，如 2026-12-01。"),
    (re.compile(r"^Not a valid time\.$"), "时间格式不正确。"),
    (re.compile(r"^Not a valid mapping type\.$"), "应为对象（键值对）。"),
    (re.compile(r"^Not a valid tuple\.$"), "应为列表。"),
    (re.compile(r"^Not a valid UUID\.$"), "应为 UUID。"),
    (re.compile(r"^Not a valid URL\.$"), "网址格式不正确。"),
    (re.compile(r"^Not a valid utf-8 string\.$"), "不是有效的 UTF-8 文本。"),
    (re.compile(r"^Number too large\.$"), "数字过大。"),
    (re.compile(r"^Special numeric values \(nan or infinity\) are not permitted\.$"), "不能是 NaN 或无穷大。"),
    (re.compile(r"^Invalid type\.$"), "类型不正确。"),
    (re.compile(r"^Not a valid email address\.$"), "邮箱格式不正确。"),
    (re.compile(r"^Invalid input type\.$"), "输入类型不正确。"),
    (re.compile(r"^Invalid input\.$"), "输入不正确。"),
    (re.compile(r"^Invalid value\.$"), "取值不正确。"),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "至少 {0} 个字符。"),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "最多 {0} 个字符。"),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), "长度应在 {0} 到 {1} 之间。"),
    (re.compile(r"^Length must be (\d+)\.$"), "长度应为 {0}。"),
    (re.compile(r"^Must be equal to (.+)\.$"), "应为 {0}。"),
    (re.compile(r"^Must be greater than (\S+) and less than (\S+)\.$"), "应大于 {0} 且小于 {1}。"),
    (re.compile(r"^Must be greater than (\S+)\.$"), "应大于 {0}。"),
    (re.compile(r"^Must be less than (\S+)\.$"), "应小于 {0}。"),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"), "应在 {0} 到 {1} 之间。"),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), "应不小于 {0}。"),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), "应不大于 {0}。"),
    (re.compile(r"^Must be one of: (.+)\.$"), "应为以下之一：{0}。"),
    (re.compile(r"^String does not match expected pattern\.$"), "格式不正确。"),
    (re.compile(r"^Invalid JSON body\.$"), "请求内容不是有效的 JSON。"),
    # Field messages of the sync library (sync/_merge.py).
    (re.compile(r"^unknown field$"), "不认识的字段。"),
    (re.compile(r"^not writable by your role$"), "您的角色不能修改此项。"),
    (re.compile(r"^can only be set when the record is created$"), "创建后不能修改。"),
    (re.compile(r"^changed on the server$"), "已被他人修改。"),
]


def current_locale() -> str:
    """The signed-in user's locale, else the browser's Accept-Language, else REDGRID_LOCALE."""
    if has_request_context():
        from flask_login import current_user

        locale = getattr(current_user, "locale", None) if current_user else None
        if locale in LOCALES:
            return locale
        best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
        if best:
            return "en" if best == "en" else "zh-CN"
    return current_app.config.get("REDGRID_LOCALE", "zh-CN")


def _(key: str, **params) -> str:
    """Translate a catalog key into the current locale."""
    return text_in(current_locale(), key, **params)


def text_in(locale: str | None, key: str, **params) -> str:
    """A catalog text in a given language (a notice's recipient's, not the request's); Chinese
    when the language or the key is missing in it."""
    text = CATALOG.get(locale or "zh-CN", CATALOG["zh-CN"]).get(key) or CATALOG["zh-CN"].get(key, key)
    return text.format(**params) if params else text


def rejection_message(entity: str | None, code: str) -> str:
    """A refused mutation's message: the entity's own words for the code, else the code's."""
    key = f"sync.rejected.{entity}.{code}"
    return _(key if key in CATALOG["zh-CN"] else f"sync.rejected.{code}")


def translate_field_message(message: str) -> str:
    """Translate a catalog key or one of marshmallow's default English messages."""
    if message in CATALOG["zh-CN"]:
        return _(message)
    if current_locale() != "zh-CN":
        return message
    for pattern, template in _FIELD_MESSAGES_ZH:
        match = pattern.match(message)
        if match:
            return template.format(*match.groups())
    return message
