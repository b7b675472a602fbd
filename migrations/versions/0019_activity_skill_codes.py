"""activity skill codes: an activity's skills wanted become codes of the shared vocabulary

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 23:10:00

Activities took free words as skills until now; they take the codes of server/ledger/vocab.py
(PROTOCOL.md §18.1). A word this table knows becomes its code, the rest are dropped. A changed
activity gets a new version and its change-log rows the corrected record, so phones pull it (§5).
The table is written out here, not imported: a migration keeps meaning what it meant.
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

CODES = {
    "medical": ("医疗健康", "医疗", "义诊", "健康", "医生", "护理", "急救", "health care"),
    "legal": ("法律咨询", "法律", "普法", "律师", "legal advice"),
    "education": ("教育辅导", "教育", "辅导", "阅读", "讲故事", "家教", "教学", "tutoring"),
    "repair": ("家电维修", "维修", "修理", "水电", "电工", "appliance repair"),
    "elderly_care": ("助老服务", "助老", "养老", "敬老", "陪护", "陪伴", "help for the elderly"),
    "culture": ("文体活动", "文体", "文艺", "体育", "演出", "书法", "culture and sports"),
    "it": ("信息技术", "电脑", "手机", "网络"),
    "psychology": ("心理疏导", "心理", "心理咨询", "counselling"),
    "mediation": ("矛盾调解", "调解", "纠纷"),
    "environment": ("环境整治", "环境", "保洁", "清洁", "卫生", "绿化", "垃圾分类", "clean-ups"),
    "publicity": ("政策宣传", "宣传", "政策", "讲解", "explaining policy"),
    "driving": ("驾驶出行", "驾驶", "开车", "司机"),
}
WORD_CODES = {word: code for code, words in CODES.items() for word in (code, *words)}

activities = sa.table(
    "activities",
    sa.column("id", sa.String),
    sa.column("skills", sa.JSON),
    sa.column("version", sa.BigInteger),
    sa.column("field_versions", sa.JSON),
)
sync_log = sa.table(
    "sync_log",
    sa.column("bucket", sa.String),
    sa.column("entity", sa.String),
    sa.column("record_id", sa.String),
    sa.column("seq", sa.BigInteger),
    sa.column("version", sa.BigInteger),
    sa.column("data", sa.JSON),
    sa.column("committed_at", sa.DateTime(timezone=True)),
)
sync_state = sa.table("sync_state", sa.column("id", sa.Integer), sa.column("last_seq", sa.BigInteger))


def codes_of(words) -> list[str]:
    """The codes of the words this table knows, in the words' order, each once."""
    found = []
    for word in words or ():
        code = WORD_CODES.get(str(word).strip().lower())
        if code and code not in found:
            found.append(code)
    return found


def _loaded(value):
    return json.loads(value) if isinstance(value, str) else value


def upgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.select(activities.c.id, activities.c.skills, activities.c.field_versions)).all()
    changed = []
    for row in rows:
        words = _loaded(row.skills)
        if words is not None and codes_of(words) != words:
            changed.append((row.id, codes_of(words), _loaded(row.field_versions) or {}))
    if not changed:
        return
    last = bind.execute(sa.select(sync_state.c.last_seq).where(sync_state.c.id == 1)).scalar() or 0
    now = datetime.now(UTC)
    for seq, (record_id, codes, versions) in enumerate(changed, start=last + 1):
        bind.execute(
            activities.update()
            .where(activities.c.id == record_id)
            .values(skills=codes, version=seq, field_versions={**versions, "skills": seq})
        )
        logged = bind.execute(
            sa.select(sync_log.c.bucket, sync_log.c.data).where(
                sync_log.c.entity == "activity", sync_log.c.record_id == record_id
            )
        ).all()
        for entry in logged:
            data = _loaded(entry.data)
            if data is None:  # a tombstone: nothing to correct
                continue
            bind.execute(
                sync_log.update()
                .where(
                    sync_log.c.bucket == entry.bucket,
                    sync_log.c.entity == "activity",
                    sync_log.c.record_id == record_id,
                )
                .values(seq=seq, version=seq, data={**data, "skills": codes}, committed_at=now)
            )
    bind.execute(sync_state.update().where(sync_state.c.id == 1).values(last_seq=last + len(changed)))


def downgrade():
    """The codes stay: they are words too, and the dropped words cannot come back."""
