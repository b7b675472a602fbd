"""Demo inspections (DESIGN.md S2): the city-wide checklist for residential property services
(住宅小区物业服务质量检查表, 34 items in the nine categories of the issue, weights adding up to 100),
and three months of monthly inspections of 帝豪花园 (远航物业) and 河西花园 by the demo steward
赵卫东, with their rectification orders answered by 周丽 of 远航物业 and re-inspected: closed,
reopened, still open, overdue.

Written through the sync engine (server.sync.writer.push_through: the orders of a submission
are the server's follow-up, as for a phone) with the rules' clock at each moment, so phones pull
it. Photos of failed items are small generated JPEGs stored as blobs. One random.Random of its
own: the city's rows do not change.
"""

import random
import uuid
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from server.demo.pusher import DemoPusher, account
from server.extensions import db
from server.inspections import scoring
from server.inspections.models import InspectionPlan, InspectionTemplate
from server.inspections.rules import order_id
from server.inspections.sync import ORDER
from server.org.models import Compound
from server.sync.actors import actor_for

ADMIN_PHONE = "13800000001"  # 张建国, city admin: plans the monthly inspections
STEWARD_PHONE = "13800000005"  # 赵卫东: 帝豪花园 and 河西花园
STAFF_PHONE = "13800000006"  # 周丽, 远航物业
# How many past months of each compound were inspected (河西花园 is not 远航物业's: its orders
# wait for a company without a demo account).
COMPOUNDS = {"帝豪花园": 3, "河西花园": 1}
CST = timezone(timedelta(hours=8))

# (code, text, weight, severity, photo_required_on_fail)
CATEGORIES = [
    (
        "env",
        "环境卫生",
        [
            ("env.public", "公共区域（道路、广场、楼道）干净整洁，无垃圾杂物", 4, "minor", True),
            ("env.sorting", "垃圾分类投放点设置规范，桶体完好，按时清运", 3, "minor", True),
            ("env.stairwell", "楼道、电梯轿厢无乱贴乱画、无堆放杂物", 3, "minor", True),
            ("env.drain", "雨污水井、化粪池通畅，无堵塞外溢", 2, "major", True),
            ("env.pests", "定期消杀，无明显蚊蝇鼠害", 2, "minor", False),
        ],
    ),
    (
        "security",
        "秩序维护与安保",
        [
            ("sec.gate", "出入口有人值守，外来人员、车辆登记管理", 3, "major", False),
            ("sec.patrol", "按规定巡逻，巡查记录完整", 3, "minor", False),
            ("sec.cctv", "监控系统运行正常，录像保存不少于30天", 3, "major", True),
            ("sec.fence", "门禁、围墙、防盗设施完好", 3, "major", True),
        ],
    ),
    (
        "green",
        "绿化养护",
        [
            ("green.lawn", "绿地无黄土裸露、无大面积枯死", 3, "minor", True),
            ("green.care", "树木花草定期修剪、浇水、防治病虫害", 3, "minor", True),
            ("green.occupy", "无毁绿种菜、私占绿地", 2, "major", True),
        ],
    ),
    (
        "facility",
        "设施设备",
        [
            ("fac.water", "二次供水水箱定期清洗消毒，水质检测报告公示", 3, "major", True),
            ("fac.wiring", "配电房整洁，电气线路无老化、裸露、私拉乱接（水电系统老化）", 4, "critical", True),
            ("fac.pipes", "给排水管道无老化锈蚀、渗漏（水电系统老化）", 3, "major", True),
            ("fac.lighting", "楼道灯、路灯照明完好", 2, "minor", True),
            ("fac.facade", "屋面、外墙无渗漏、脱落隐患", 2, "major", True),
            ("fac.records", "设施设备台账、维保记录齐全", 2, "minor", False),
        ],
    ),
    (
        "fire",
        "消防安全",
        [
            ("fire.lanes", "消防车通道畅通，无占用堵塞", 4, "critical", True),
            ("fire.exits", "楼梯间、安全出口畅通，无堆放杂物", 3, "critical", True),
            ("fire.equipment", "消火栓、灭火器配置齐全，在有效期内", 3, "major", True),
            ("fire.ebike", "无电动车进楼道、入户或飞线充电", 3, "critical", True),
            ("fire.control", "消防控制室24小时值班，持证上岗", 3, "major", False),
        ],
    ),
    (
        "lift",
        "电梯运行",
        [
            ("lift.cert", "电梯使用标志、年检合格证在有效期内并公示", 3, "major", True),
            ("lift.maintenance", "按期维保（每15日一次），维保记录完整", 3, "major", False),
            ("lift.rescue", "轿厢紧急呼叫有效，困人救援及时", 4, "critical", False),
        ],
    ),
    (
        "parking",
        "停车管理",
        [
            ("park.order", "车辆停放有序，车位划线清晰", 3, "minor", True),
            ("park.charging", "电动自行车集中停放，充电设施完好", 3, "major", True),
            ("park.fees", "停车收费标准公示", 2, "minor", False),
        ],
    ),
    (
        "passage",
        "违建与通道",
        [
            ("build.illegal", "无违法搭建（私搭乱建、破墙开店、屋顶加层）", 4, "critical", True),
            ("build.roads", "小区道路畅通，无占道经营、堆物阻断", 4, "major", True),
        ],
    ),
    (
        "service",
        "服务质量与投诉处理",
        [
            ("svc.notice", "服务内容、收费标准、服务电话公示", 2, "minor", False),
            ("svc.complaints", "投诉报修及时受理、限时办结，有回访记录", 3, "major", False),
            ("svc.survey", "开展业主满意度测评，问题有整改", 3, "minor", False),
        ],
    ),
]
TEMPLATE = {
    "code": "residential-property",
    "name": "住宅小区物业服务质量检查表",
    "description": (
        "红色管家定期检查、随机抽查使用。不合格项生成整改单，按严重程度限期整改：严重24小时、较重3天、一般7天。"
    ),
    "max_score": 100.0,
    "severity_deadlines": {"critical": 24, "major": 72, "minor": 168},
    "categories": [
        {
            "code": code,
            "name": name,
            "items": [
                {"code": c, "text": text, "weight": weight, "severity": severity, "photo_required_on_fail": photo}
                for c, text, weight, severity, photo in items
            ],
        }
        for code, name, items in CATEGORIES
    ],
}
# What the steward writes on a failed item, and what the company answers.
FINDINGS = {
    "env.stairwell": ("3号楼2单元楼道堆放纸箱、旧家具", "已通知业主清理，楼道杂物已清运"),
    "env.sorting": ("南门垃圾分类投放点桶盖破损，厨余垃圾外溢", "已更换新桶并增加一次清运"),
    "sec.cctv": ("北门两个监控探头无画面", "已更换探头，监控恢复"),
    "green.lawn": ("中心绿地多处黄土裸露", "已补种草皮"),
    "fac.wiring": ("1号楼配电箱线路老化，有私拉电线", "已拆除私拉线路，老化线路更换完毕"),
    "fac.pipes": ("地下室给水管锈蚀渗水", "已更换锈蚀管段"),
    "fac.lighting": ("5号楼楼道声控灯不亮", "已更换灯具"),
    "fire.lanes": ("消防车通道停放私家车", "已劝离车辆并施划禁停标线"),
    "fire.ebike": ("2号楼楼道有电动车飞线充电", "已劝导住户到集中充电点充电，拆除飞线"),
    "fire.equipment": ("4号楼灭火器过期", "已更换灭火器"),
    "park.order": ("东侧道路车辆乱停乱放", "已安排秩序员疏导"),
    "build.illegal": ("6号楼一层住户私搭阳光房", "已下发整改通知，配合执法部门拆除"),
    "build.roads": ("西门道路被建材堆放阻断", "已清运建材，道路恢复通行"),
}


def load_demo_inspections(seed: int) -> dict[str, int]:
    """Add the template and the demo's inspections (same transaction; the caller commits)."""
    template = InspectionTemplate(
        **TEMPLATE, version=1, status="published", org_unit_id=None, published_at=datetime(2026, 1, 5, 9, tzinfo=UTC)
    )
    db.session.add(template)
    db.session.flush()
    demo = _DemoInspections(random.Random(f"redgrid-demo:{seed}:inspections"), template)
    plans = 0
    for name, months in COMPOUNDS.items():
        compound_id = db.session.scalar(select(Compound.id).where(Compound.name == name))
        for months_ago in range(months, 0, -1):
            demo.monthly(compound_id, months_ago)
        # The monthly plan those inspections came from: this month's is made by the admin's
        # 生成本期检查 or `redgrid inspections generate`.
        started = (demo.now.replace(day=1) - timedelta(days=31 * months)).replace(day=1).date()
        db.session.add(
            InspectionPlan(
                compound_id=compound_id,
                template_code=template.code,
                period="monthly",
                starts_on=started,
                created_by_id=demo.admin.id,
            )
        )
        plans += 1
    return {
        "inspection_templates": 1,
        "inspection_plans": plans,
        "inspections": demo.inspections,
        "rectification_orders": demo.orders,
    }


_user = account


class _DemoInspections(DemoPusher):
    """Three months of inspections, pushed as the steward, the staff and the admin made them."""

    def __init__(self, rng: random.Random, template: InspectionTemplate):
        super().__init__(rng)
        self.template = template
        self.items = scoring.items_of(template.categories)
        self.admin, self.steward, self.staff = (_user(p) for p in (ADMIN_PHONE, STEWARD_PHONE, STAFF_PHONE))
        self.inspections = self.orders = 0

    def monthly(self, compound_id: int, months_ago: int) -> None:
        """The periodic inspection of one past month: planned on the 1st, done mid-month, its
        orders answered within days; older months' orders re-inspected."""
        local = self.now.astimezone(CST)
        months = local.year * 12 + local.month - 1 - months_ago
        first = datetime(months // 12, months % 12 + 1, 1, 9, tzinfo=CST)
        inspected = first + timedelta(days=self.rng.randint(8, 18), hours=self.rng.randint(0, 6))
        inspection_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        period = first.strftime("%Y-%m")
        record = self.push(
            self.admin,
            first,
            "inspection",
            inspection_id,
            "create",
            {
                "compound_id": compound_id,
                "template_id": self.template.id,
                "kind": "periodic",
                "steward_id": self.steward.id,
                "due_at": _iso(first + timedelta(days=25)),
            },
            extra={inspection_id: {"period": period}},
        )
        record = self.push(
            self.steward,
            inspected,
            "inspection",
            inspection_id,
            "update",
            {
                "status": "in_progress",
                "started_at": _iso(inspected),
                "start_location_status": "unavailable",
            },
            base=record["version"],
        )
        failed = self.rng.sample(sorted(FINDINGS), self.rng.randint(2, 4))
        answers = {
            code: {"result": "na" if code.startswith("lift.") and self.rng.random() < 0.2 else "pass"}
            for code in self.items
        }
        for code in failed:
            answers[code] = {
                "result": "fail",
                "note": FINDINGS[code][0],
                "photos": [self.photo(self.steward, code, period)],
            }
        done_at = inspected + timedelta(minutes=self.rng.randint(40, 90))
        record = self.push(
            self.steward,
            done_at,
            "inspection",
            inspection_id,
            "update",
            {
                "status": "submitted",
                "answers": answers,
                "finished_at": _iso(done_at),
                "finish_location_status": "unavailable",
                "notes": "按月度计划检查，已与物业项目经理现场沟通。",
            },
            base=record["version"],
        )
        self.inspections += 1
        self.orders += len(failed)
        self.follow_orders(inspection_id, failed, done_at, months_ago)

    def follow_orders(self, inspection_id: str, failed: list[str], submitted: datetime, months_ago: int) -> None:
        """The company answers most orders; the steward closes or reopens the older ones."""
        staff_buckets = actor_for(self.staff).buckets
        for index, code in enumerate(failed):
            order = ORDER.load(order_id(inspection_id, code))
            if f"company:{order.values.get('company_id')}" not in staff_buckets:
                continue  # another company's
            if months_ago == 1 and index == 0:
                continue  # still open (and overdue, for the escalation)
            answered = submitted + timedelta(hours=self.rng.randint(6, 60))
            record = self.push(
                self.staff,
                answered,
                "rectification_order",
                order.id,
                "update",
                {
                    "status": "responded",
                    "response_text": FINDINGS[code][1],
                    "responded_at": _iso(answered),
                    "response_photos": [self.photo(self.staff, code, f"fixed-{inspection_id}")],
                },
                base=order.version,
            )
            if months_ago == 1:
                continue  # waiting for the re-inspection
            reviewed = answered + timedelta(hours=self.rng.randint(20, 70))
            if index == 1 and months_ago == 2:
                self.push(
                    self.steward,
                    reviewed,
                    "rectification_order",
                    order.id,
                    "update",
                    {
                        "status": "reopened",
                        "review_note": "复查发现问题仍未彻底解决，请继续整改。",
                        "reviewed_at": _iso(reviewed),
                    },
                    base=record["version"],
                )
                continue
            self.push(
                self.steward,
                reviewed,
                "rectification_order",
                order.id,
                "update",
                {
                    "status": "closed",
                    "review_note": "复查合格，予以销号。",
                    "reviewed_at": _iso(reviewed),
                },
                base=record["version"],
            )


def _iso(moment: datetime) -> str:
    return moment.astimezone(CST).isoformat()
