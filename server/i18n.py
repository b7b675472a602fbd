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
        "error.too_large": "提交的内容过大。",
        "error.internal": "服务器出错了，请稍后再试。",
        "auth.invalid_credentials": "手机号或密码错误。",
        "auth.inactive": "该账号已停用，请联系社区管理员。",
        "user.phone_taken": "该手机号已注册。",
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
        "field.phone": "请输入 11 位中国大陆手机号。",
        "field.password_short": "密码至少 {min} 位。",
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
        "error.too_large": "The request is too large.",
        "error.internal": "Something went wrong on the server; try again later.",
        "auth.invalid_credentials": "Wrong phone number or password.",
        "auth.inactive": "This account is disabled; contact your community admin.",
        "user.phone_taken": "This phone number is already registered.",
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
        "field.phone": "Enter an 11-digit mainland China mobile number.",
        "field.password_short": "The password needs at least {min} characters.",
    },
}

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
    (re.compile(r"^Not a valid email address\.$"), "邮箱格式不正确。"),
    (re.compile(r"^Invalid input type\.$"), "输入类型不正确。"),
    (re.compile(r"^Invalid input\.$"), "输入不正确。"),
    (re.compile(r"^Invalid value\.$"), "取值不正确。"),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "至少 {0} 个字符。"),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "最多 {0} 个字符。"),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), "长度应在 {0} 到 {1} 之间。"),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"), "应在 {0} 到 {1} 之间。"),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), "应不小于 {0}。"),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), "应不大于 {0}。"),
    (re.compile(r"^Must be one of: (.+)\.$"), "应为以下之一：{0}。"),
    (re.compile(r"^String does not match expected pattern\.$"), "格式不正确。"),
    (re.compile(r"^Invalid JSON body\.$"), "请求内容不是有效的 JSON。"),
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
    locale = current_locale()
    text = CATALOG.get(locale, CATALOG["zh-CN"]).get(key) or CATALOG["zh-CN"].get(key, key)
    return text.format(**params) if params else text


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
