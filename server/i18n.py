"""Server-side message catalog (Simplified Chinese first, English available).

The PWA has its own catalogs in pwa/i18n/; this one covers what the API says: error messages
and the field messages of marshmallow validation. Each part of the app brings its own entries
(server/<part>/messages.py), merged in by create_app with register_catalog().
"""

import re
from collections.abc import Callable, Iterable, Mapping

from flask import current_app, g, has_request_context, request

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
        "error.database_unavailable": "服务器暂时连不上数据库，什么都没有改动；数据仍保存在手机上，稍后会自动重试。",
        "error.server_busy": "服务器正忙，什么都没有改动；数据仍保存在手机上，稍后会自动重试。",
        "export.too_large": "要导出的记录有 {total} 条，一次最多导出 {max} 条，请加上筛选条件后再导出。",
        "export.filters": "筛选条件",
        "export.filter": "条件",
        "export.exported_at": "导出时间",
        "export.rows": "记录数",
        "export.all": "全部",
        "export.yes": "是",
        "export.no": "否",
        "monthly.grid": "网格",
        "monthly.total": "合计",
        "monthly.on_time": "按时完成率",
        "monthly.no_grid": "未划入网格",
        "monthly.compound": "小区",
        "monthly.company": "物业服务企业",
        "monthly.self_managed": "自管",
        "monthly.category": "类别",
        "auth.invalid_credentials": "手机号或密码错误。",
        "auth.inactive": "该账号已停用，请联系社区管理员。",
        "auth.reset.issuers_only": "只有社区管理员和网格员可以生成重置密码的验证码。",
        "auth.reset_code_format": "请输入 8 位数字验证码。",
        "auth.reset.not_found": "您管辖的范围内没有用这个手机号的账号。",
        "auth.reset_code_invalid": "验证码不正确（连续输错 5 次后作废），请核对，或请网格员或管理员重新生成。",
        "auth.reset_code_expired": "验证码已过期（有效期 30 分钟），请网格员或管理员重新生成。",
        "auth.reset_code_used": "该验证码已用过或已被新的验证码取代，请使用最新的验证码。",
        "user.phone_taken": "该手机号已注册。",
        "user.managed_elsewhere": (
            "该账号在您的管辖范围外还有角色，其密码、姓名、语言和启用状态须由管辖其全部角色的管理员修改。"
        ),
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
        "sync.unsupported_protocol": (
            "应用版本过旧，无法同步（服务器支持：{supported}）。请刷新或更新应用，未同步的数据会保留。"
        ),
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
        "blob.storage_full": "服务器存储空间已满，照片暂存在手机上，稍后会自动重新上传。",
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
        "error.database_unavailable": (
            "The server cannot reach its database just now; nothing was changed. "
            "Your data stays on this phone and is sent again shortly."
        ),
        "error.server_busy": (
            "The server is busy; nothing was changed. Your data stays on this phone and is sent again shortly."
        ),
        "export.too_large": (
            "There are {total} records to export, at most {max} at a time: narrow the filters and export again."
        ),
        "export.filters": "Filters",
        "export.filter": "Filter",
        "export.exported_at": "Exported at",
        "export.rows": "Rows",
        "export.all": "All",
        "export.yes": "Yes",
        "export.no": "No",
        "monthly.grid": "Grid",
        "monthly.total": "Total",
        "monthly.on_time": "Done on time",
        "monthly.no_grid": "In no grid",
        "monthly.compound": "Compound",
        "monthly.company": "Property company",
        "monthly.self_managed": "Self-managed",
        "monthly.category": "Category",
        "auth.invalid_credentials": "Wrong phone number or password.",
        "auth.inactive": "This account is disabled; contact your community admin.",
        "auth.reset.issuers_only": "Only community admins and grid workers issue password reset codes.",
        "auth.reset_code_format": "Enter the 8-digit code.",
        "auth.reset.not_found": "No account with this phone number in your jurisdiction.",
        "auth.reset_code_invalid": (
            "The code is wrong (after 5 wrong tries it stops working); check it, or ask your grid worker "
            "or admin for a new one."
        ),
        "auth.reset_code_expired": "The code has expired (it lasts 30 minutes); ask for a new one.",
        "auth.reset_code_used": "This code was used already or replaced by a newer one; use the newest code.",
        "user.phone_taken": "This phone number is already registered.",
        "user.managed_elsewhere": (
            "This account also holds roles outside your jurisdiction: its password, "
            "name, language and active state are changed by an admin over all "
            "its roles."
        ),
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
        "sync.unsupported_protocol": (
            "This app is too old to sync (the server speaks {supported}). Reload "
            "or update the app; unsynced data is kept."
        ),
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
        "blob.storage_full": "The server's storage is full. The photo stays on this phone and is uploaded again later.",
        "blob.too_many_pixels": "The image has too many pixels; the limit is {megapixels} megapixels.",
        "blob.bad_image": "The image is damaged or incomplete and cannot be opened.",
        "blob.wrong_offset": "The upload continues at byte {offset}.",
        "blob.wrong_total": "This upload is {total} bytes in total, not what this request says.",
    },
}


def refusal_entries(refusals: Mapping[str, str], prefix: str, entities: Iterable[str], plain: bool = True) -> dict:
    """A domain's refusals (code -> text) as catalog entries: each code is a field message
    ("<prefix>.<code>") and the rejection message of each of its entities
    ("sync.rejected.<entity>.<code>"), and with `plain` of any entity ("sync.rejected.<code>")."""
    out = {}
    for code, text in refusals.items():
        out[f"{prefix}.{code}"] = text
        if plain:
            out[f"sync.rejected.{code}"] = text
        for entity in entities:
            out[f"sync.rejected.{entity}.{code}"] = text
    return out


def register_catalog(entries: Callable[[str], Mapping[str, str]]) -> None:
    """Merge a part's entries (`entries(locale)` for each locale) into the catalog; create_app
    calls it for every part's catalogs (server/core/parts.py). Merging the same twice is harmless."""
    for locale in LOCALES:
        CATALOG[locale].update(entries(locale))


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
    (re.compile(r"^Not a valid delimited list\.$"), "应为以逗号分隔的列表。"),
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
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        "应在 {0} 到 {1} 之间。",
    ),
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

        return locale_of_request(getattr(current_user, "locale", None) if current_user else None)
    return current_app.config.get("REDGRID_LOCALE", "zh-CN")


def locale_without_database() -> str:
    """current_locale() when the database cannot answer: the user's locale only if it was loaded
    already (read without a query), else Accept-Language."""
    user = g.get("_login_user") if has_request_context() else None  # flask-login's loaded user
    return locale_of_request(vars(user).get("locale") if hasattr(user, "__dict__") else None)


def locale_of_request(locale: str | None) -> str:
    if locale in LOCALES:
        return locale
    if has_request_context():
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
