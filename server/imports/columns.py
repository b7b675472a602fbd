"""The columns of each kind of import: the key, whether it is required, its longest text, and the
example row of the template. Headers are the catalog's (imports.column.<key>), in either language."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    required: bool
    most: int  # characters


PLACE = (Column("compound", True, 64), Column("building", True, 32), Column("unit", True, 8), Column("room", True, 8))

COLUMNS = {
    "households": PLACE,
    "residents": PLACE
    + (
        Column("name", True, 40),
        Column("phone", False, 20),
        Column("gender", False, 8),
        Column("birth_year", False, 8),
        Column("relation", False, 16),
        Column("care_flags", False, 64),
    ),
    "users": (
        Column("phone", True, 20),
        Column("display_name", True, 40),
        Column("role", True, 16),
        Column("scope", True, 160),
        Column("password", False, 128),
    ),
}
KINDS = tuple(COLUMNS)

EXAMPLES = {
    "zh-CN": {
        "households": ["河西小区", "1号楼", "1单元", "101"],
        "residents": ["河西小区", "1号楼", "1单元", "101", "张桂兰", "13912345678", "女", "1948", "户主", "独居老人"],
        "users": ["13912345678", "李明", "网格员", "河西社区第一网格", "Hexi-2026-grid"],
    },
    "en": {
        "households": ["河西小区", "1号楼", "1单元", "101"],
        "residents": [
            "河西小区",
            "1号楼",
            "1单元",
            "101",
            "张桂兰",
            "13912345678",
            "F",
            "1948",
            "head",
            "elderly_alone",
        ],
        "users": ["13912345678", "李明", "grid_worker", "河西社区第一网格", "Hexi-2026-grid"],
    },
}
