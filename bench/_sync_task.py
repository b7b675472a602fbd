"""A bench-only synced entity, "bench_task" (task-sized records, kept apart from the app's own
"task" entity and its screens), with its own table on its own metadata (the idea of
tests/sync/notes.py: the app's migrations stay as they are). A task sits in a grid: through
server.sync.buckets.by_grid_field("grid_id") it is in "grid:<grid>" and in "org:<unit>" of every
org unit above it (city … grid), as a real grid-placed entity would be.

Also makes task values: about 600 bytes of JSON (UTF-8) per record, Chinese text composed from
phrase pools with per-record numbers, so the payloads compress like real work orders rather
than like random characters or like one record repeated.
"""

import random
import uuid
from datetime import date, timedelta

import marshmallow as ma
from sqlalchemy import JSON, Date, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from server.core.edge import Schema
from server.core.fields import RecordSchema
from server.sync import registry
from server.sync.buckets import by_grid_field
from server.sync.models import SyncedMixin
from sync import Field

ENTITY = "bench_task"
TYPES = ("入户走访", "隐患排查", "矛盾调解", "政策宣传", "环境整治", "特殊人群关爱", "信息采集", "事件上报")
STATUSES = ("todo", "doing", "done", "cancelled")
PRIORITIES = ("low", "normal", "high", "urgent")


class TaskBase(DeclarativeBase):
    metadata = MetaData()


class Task(SyncedMixin, TaskBase):
    __tablename__ = "bench_tasks"

    grid_id: Mapped[int | None]
    title: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(2000))
    type: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(16))
    priority: Mapped[str | None] = mapped_column(String(16))
    due: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(String(2000))
    address: Mapped[str | None] = mapped_column(String(200))
    assignee_id: Mapped[int | None]
    household_id: Mapped[int | None]
    checklist: Mapped[list | None] = mapped_column(JSON)
    tags: Mapped[list | None] = mapped_column(JSON)


class ChecklistItemSchema(Schema):
    text = ma.fields.String(required=True, validate=ma.validate.Length(max=200))
    done = ma.fields.Boolean(required=True)


class TaskSchema(RecordSchema):
    grid_id = ma.fields.Integer(allow_none=True, strict=True)
    title = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=200))
    description = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=2000))
    type = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(TYPES))
    status = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(STATUSES))
    priority = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(PRIORITIES))
    due = ma.fields.Date(allow_none=True)
    notes = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=2000))
    address = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=200))
    assignee_id = ma.fields.Integer(allow_none=True, strict=True)
    household_id = ma.fields.Integer(allow_none=True, strict=True)
    checklist = ma.fields.List(ma.fields.Nested(ChecklistItemSchema), allow_none=True)
    tags = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=32)), allow_none=True)


WORKERS = frozenset({"grid_worker", "admin"})
FIELDS = (
    Field("grid_id", WORKERS, create_only=True),
    Field("title", WORKERS),
    Field("description", WORKERS),
    Field("type", WORKERS),
    Field("status", WORKERS),
    Field("priority", frozenset({"admin"})),
    Field("due", WORKERS),
    Field("notes", WORKERS),
    Field("address", WORKERS),
    Field("assignee_id", frozenset({"admin"})),
    Field("household_id", WORKERS),
    Field("checklist", WORKERS),
    Field("tags", WORKERS, on_conflict="union"),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)


def task_binding() -> registry.EntityBinding:
    return registry.EntityBinding(
        ENTITY,
        FIELDS,
        frozenset({"grid_worker", "admin"}),
        frozenset({"admin"}),
        Task,
        TaskSchema(),
        by_grid_field("grid_id"),
    )


def install(engine) -> None:
    """Create the task table (if missing) and register the entity with the engine."""
    TaskBase.metadata.create_all(engine)
    registry.register(task_binding())


# --- values ------------------------------------------------------------------------------------

TITLES = (
    "走访{b}号楼{u}单元独居老人",
    "排查{b}号楼楼道堆物",
    "核实{b}号楼{r}室租户信息",
    "调解{b}号楼{r}室邻里漏水纠纷",
    "检查{b}号楼电动车违规充电",
    "宣传反诈知识进{b}号楼",
    "更新{b}号楼{u}单元住户台账",
    "回访{b}号楼{r}室低保户",
    "清理{b}号楼周边卫生死角",
    "核查{b}号楼{r}室空置房屋",
    "上门慰问{b}号楼{r}室困难家庭",
    "巡查{b}号楼消防通道",
)
DESCRIPTIONS = (
    "按照社区统一安排，入户了解家庭成员、健康状况和近期困难，做好登记。",
    "发现楼道内堆放纸箱和旧家具，存在消防隐患，需通知住户限期清理。",
    "住户反映楼上卫生间漏水，影响天花板，需协调双方并联系物业维修。",
    "重点关注独居、高龄和行动不便的老人，确认紧急联系人电话是否有效。",
    "对照人口信息系统核对实有人口，补录新迁入人员，注销已迁出人员。",
    "夜间巡查时发现有电动车在楼道内充电，已当场劝阻，需跟进整改情况。",
    "向居民发放宣传材料，讲解常见电信诈骗手法，提醒不要轻信陌生来电。",
    "配合街道开展人居环境整治，清理小广告和乱堆乱放，拍照留存。",
    "了解住户对物业服务的意见建议，汇总后反馈给社区和物业公司。",
    "核实租户身份证件和租赁合同，提醒房东按规定办理居住登记。",
)
NOTES = (
    "已电话联系住户，约定周末上门。",
    "住户不在家，已在门上留联系卡。",
    "已拍照上传，等待物业处理。",
    "情况已上报社区，需街道协调。",
    "老人身体状况良好，子女每周探望。",
    "已完成整改，下次巡查复核。",
    "住户配合，信息已更新。",
    "需要民警协助，已联系片区民警。",
    "楼长反映情况属实。",
    "",
)
CHECKLIST = (
    "核对户籍信息",
    "确认紧急联系人",
    "检查燃气安全",
    "检查用电安全",
    "拍照留存",
    "告知办事流程",
    "登记诉求",
    "填写走访记录",
    "住户签字确认",
    "通知物业",
    "上报社区",
    "约定回访时间",
)
TAGS = ("重点人群", "独居老人", "出租房屋", "消防安全", "矛盾纠纷", "环境卫生", "困难家庭", "反诈宣传", "限期整改")
ROADS = ("建安大道", "魏武大道", "七里店路", "文峰路", "许继大道", "八一路", "莲城大道", "学院路")


def new_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def task_values(rng: random.Random, grid_id: int, assignee_id: int | None, today: date) -> dict:
    """One task's synced values (what a create sends and what the change log carries)."""
    b, u, r = rng.randint(1, 36), rng.randint(1, 6), rng.randint(1, 32) * 100 + rng.randint(1, 4)
    checklist = [{"text": text, "done": rng.random() < 0.5} for text in rng.sample(CHECKLIST, rng.randint(3, 5))]
    values = {
        "grid_id": grid_id,
        "title": rng.choice(TITLES).format(b=b, u=u, r=r),
        "description": rng.choice(DESCRIPTIONS),
        "type": rng.choice(TYPES),
        "status": rng.choice(STATUSES),
        "priority": rng.choice(PRIORITIES),
        "due": (today + timedelta(days=rng.randint(-30, 60))).isoformat(),
        "notes": rng.choice(NOTES) + rng.choice(NOTES),
        "address": f"许昌市{rng.choice(ROADS)}{rng.randint(1, 999)}号{b}号楼{u}单元{r}室",
        "assignee_id": assignee_id,
        "household_id": rng.randint(1, 200_000),
        "checklist": checklist,
        "tags": rng.sample(TAGS, rng.randint(1, 3)),
    }
    return {k: v for k, v in values.items() if v is not None and v != ""}


def row_values(values: dict) -> dict:
    """The table columns for a values dict (the due date as a date)."""
    row = {name: values.get(name) for name in FIELD_NAMES}
    if row["due"] is not None:
        row["due"] = date.fromisoformat(row["due"])
    return row
