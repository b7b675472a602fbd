"""Catalog entries of the sync endpoints' per-mutation refusals (PROTOCOL.md §6.1, §6.3): the
field messages of a malformed mutation, in every language of server/i18n.py."""

MESSAGES = {
    "zh-CN": {
        "sync.rejected.bad_mutation": "这条修改的格式不正确，无法处理。",
        "sync.mutation.not_object": "每条修改应为一个对象。",
        "sync.mutation.uuid": "应为小写的 UUID。",
        "sync.mutation.entity": "应为记录类型的名称（小写字母、数字和下划线，不超过 32 个字符）。",
        "sync.mutation.field_name": "字段名应为 1 到 64 个字符，且不能包含空字符（NUL）。",
        "sync.mutation.op": "应为 create、update 或 delete。",
        "sync.mutation.fields": "应为一个对象。",
        "sync.mutation.base_version": "更新或删除时必填，应为不超过 64 位的非负整数。",
        "sync.mutation.client_time": "应为带时区的时间，如 2026-11-27T09:14:03+08:00，年份在 1900 到 2999 之间。",
        "sync.mutation.epoch": "应为不超过 64 个字符的文本。",
        "sync.mutation.unknown_key": "不认识的键。",
    },
    "en": {
        "sync.rejected.bad_mutation": "This change is malformed and cannot be processed.",
        "sync.mutation.not_object": "Each change must be an object.",
        "sync.mutation.uuid": "Must be a lowercase UUID.",
        "sync.mutation.entity": (
            "Must be the name of a record type (lowercase letters, digits and underscores, at most 32 characters)."
        ),
        "sync.mutation.field_name": "Field names must be 1 to 64 characters, without NUL characters.",
        "sync.mutation.op": "Must be create, update or delete.",
        "sync.mutation.fields": "Must be an object.",
        "sync.mutation.base_version": "Required to update or delete: a non-negative integer of at most 64 bits.",
        "sync.mutation.client_time": (
            "Must be a time with an offset, such as 2026-11-27T09:14:03+08:00, in the years 1900 to 2999."
        ),
        "sync.mutation.epoch": "Must be text of at most 64 characters.",
        "sync.mutation.unknown_key": "Unknown key.",
    },
}


def entries(locale: str) -> dict[str, str]:
    """Every catalog entry of the sync endpoints in one locale."""
    return dict(MESSAGES[locale])
