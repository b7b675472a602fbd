"""Demo volunteer activities (志愿服务活动, PROTOCOL.md §18) of 河西社区, published by its admin
刘红梅 through the real paths: 健康义诊进社区 twelve days ago — the demo volunteer 孙磊 and two
members signed up, checked in and out by hand at the venue, their hours confirmed (in their
service record); 快乐阅读·周末读书会 this coming Saturday with seats left, for 孙磊 to sign up;
防溺水安全宣传 next week, already full (a sign-up waits). After 双报到 (its members sign up)."""

import random
import uuid
from datetime import timedelta

from sqlalchemy import select

from server.activities.followups import signup_id  # the phone's id of a sign-up
from server.core import clock
from server.core.fields import iso
from server.demo.pusher import DemoPusher, account
from server.demo.tasks import ADMIN_PHONE
from server.extensions import db
from server.org.models import OrgUnit

VOLUNTEER_PHONE = "13800000008"  # 孙磊
MEMBER_PHONES = ("13800001002", "13800001003", "13800001004")  # 陈志强, 李静, 赵敏 (server/demo/members.py)
PLACE = "河西社区党群服务中心"


def load_demo_activities(seed: int) -> dict[str, int]:
    demo = DemoPusher(random.Random(f"redgrid-demo:{seed}:activities"))
    admin = account(ADMIN_PHONE)
    hexi = db.session.scalar(select(OrgUnit.id).where(OrgUnit.kind == "community", OrgUnit.name == "河西社区"))
    people = [account(VOLUNTEER_PHONE), *(account(p) for p in MEMBER_PHONES)]
    local = demo.now.astimezone(clock.CHINA)

    def publish(at, title, starts, hours, capacity, description, skills):
        record_id = str(uuid.UUID(int=demo.rng.getrandbits(128), version=4))
        fields = {
            "community_id": hexi,
            "title": title,
            "description": description,
            "place": PLACE,
            "starts_at": iso(starts),
            "ends_at": iso(starts + timedelta(hours=hours)),
            "capacity": capacity,
            "skills": skills,
            "hours": float(hours),
        }
        demo.push(admin, at, "activity", record_id, "create", fields, client="demo-desk")
        return record_id

    def sign_up(at, person, activity_id) -> dict:
        fields = {"activity_id": activity_id, "user_id": person.id}
        return demo.push(person, at, "activity_signup", signup_id(activity_id, person.id), "create", fields)

    # 健康义诊进社区, twelve days ago, 8:30–11:30: three came, checked in and out by hand.
    day = (local - timedelta(days=12)).replace(hour=8, minute=30, second=0, microsecond=0)
    clinic = publish(
        day - timedelta(days=6),
        "健康义诊进社区",
        day,
        3,
        20,
        "魏都区人民医院医生为居民量血压、测血糖、讲解慢病用药。",
        ["medical", "elderly_care"],
    )
    for n, person in enumerate(people[:3]):
        record = sign_up(day - timedelta(days=5 - n), person, clinic)
        arrived, left = day + timedelta(minutes=5 + 7 * n), day + timedelta(hours=2, minutes=40 + 5 * n)
        record = demo.push(
            admin,
            left,
            "activity_signup",
            record["id"],
            "update",
            {"checkin_at": iso(arrived), "checkout_at": iso(left)},
            record["version"],
            client="demo-desk",
        )
        hours = round((left - arrived).total_seconds() / 3600 * 2) / 2
        demo.push(
            admin,
            left + timedelta(hours=2),
            "activity_signup",
            record["id"],
            "update",
            {"confirmed_hours": min(hours, 3.0)},
            record["version"],
            client="demo-desk",
        )

    # 快乐阅读·周末读书会, this coming Saturday 9:00–11:00: two seats of eight taken.
    saturday = (local + timedelta(days=(5 - local.weekday()) % 7 or 7)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    reading = publish(
        local - timedelta(days=3),
        "快乐阅读·周末读书会",
        saturday,
        2,
        8,
        "陪社区的孩子们读绘本、讲故事，适合有耐心的志愿者。",
        ["education", "culture"],
    )
    for n, person in enumerate(people[2:4]):
        sign_up(local - timedelta(days=2, hours=n), person, reading)

    # 防溺水安全宣传, next week: two seats, both taken, a third waits.
    drowning = publish(
        local - timedelta(days=1),
        "防溺水安全宣传",
        saturday + timedelta(days=8),
        2,
        2,
        "到小区和学校门口发放防溺水宣传资料，讲解安全知识。",
        ["publicity"],
    )
    for n, person in enumerate(people[1:4]):
        sign_up(local - timedelta(hours=20 - n), person, drowning)
    db.session.commit()
    return {"activities": 3}
