"""The catalog entries of Web Push (merged into server/i18n.py's CATALOG)."""

_MESSAGES = {
    "zh-CN": {
        "push.endpoint_invalid": "推送地址不是有效的网址。",
        "push.endpoint_not_https": "推送地址必须使用 https。",
        "push.endpoint_unknown_service": (
            "推送地址不属于本系统允许的推送服务（谷歌 FCM、Mozilla、苹果、微软等），此浏览器暂不能接收通知。"
        ),
        "push.endpoint_port": "推送地址只能使用 https 默认端口 443。",
        "push.endpoint_claimed": "此推送地址已登记在其他账号下，且密钥不符。",
        "push.p256dh_invalid": "p256dh 密钥无效：应为 base64url 编码的 65 字节 P-256 公钥（未压缩格式）。",
        "push.auth_invalid": "auth 密钥无效：应为 base64url 编码的 16 字节。",
        "push.categories_invalid": "通知类别无效：应为不重复的类别代码列表，或 null（全部类别）。",
        "push.subscription_missing": "此设备尚未开启通知。",
        "push.change_refused": "旧的推送订阅不存在或密钥不符。",
        "push.endpoint_taken": "新的推送地址已属于其他账号。",
    },
    "en": {
        "push.endpoint_invalid": "The push endpoint is not a valid URL.",
        "push.endpoint_not_https": "The push endpoint must use https.",
        "push.endpoint_unknown_service": (
            "The push endpoint is not on a push service this server allows "
            "(Google FCM, Mozilla, Apple, Microsoft, …): this browser cannot "
            "receive notifications here."
        ),
        "push.endpoint_port": "The push endpoint must use the default https port, 443.",
        "push.endpoint_claimed": (
            "This push endpoint is registered to another account, and its auth secret does not match."
        ),
        "push.p256dh_invalid": "Invalid p256dh key: expected a 65-byte uncompressed P-256 public key, base64url.",
        "push.auth_invalid": "Invalid auth secret: expected 16 bytes, base64url.",
        "push.categories_invalid": "Invalid categories: a list of distinct category codes, or null for all.",
        "push.subscription_missing": "Notifications are not turned on for this device.",
        "push.change_refused": "The old push subscription is unknown or its secret does not match.",
        "push.endpoint_taken": "The new push endpoint belongs to another account.",
    },
}


def entries(locale: str) -> dict[str, str]:
    return _MESSAGES[locale]
