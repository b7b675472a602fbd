"""Demo grid work (DESIGN.md S1): checklist templates per task type; three weeks of tasks for the
two demo grid workers of 河西社区 (done, in progress, overdue, unable, cancelled); a fire-safety
check of every building of 河西社区 given out in one bulk action; problems reported from the field,
one turned into a task and one dismissed.

Written through the sync engine as the community admin and the workers made it, with the task
rules' clock set to each moment (server/core/clock.py), so phones pull it and every task carries
its history. Dates are relative to the day the demo is loaded: there is always something due
today and something overdue. One random.Random of its own: the city's rows do not change.
"""

import random
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import or_, select

from server.auth.models import RoleAssignment, User
from server.core.fields import iso
from server.demo.pusher import DemoPusher, account
from server.extensions import db
from server.org.models import Building, Compound, GridCoverage, Household, OrgUnit, Resident
from server.sync.actors import actor_for
from server.tasks import places, templates
from server.tasks.models import ChecklistTemplate

ADMIN_PHONE = "13800000002"  # 刘红梅, 河西社区
WORKER_PHONES = ("13800000003", "13800000004")  # 王志强 (第一网格), 陈静 (第二网格)
TASKS_PER_WORKER = 36
REPORTS_PER_WORKER = 4
DAYS = 21  # how far back the demo's work goes
CST = timezone(timedelta(hours=8))  # what the phones' clocks say

# 入户走访 … 代办服务: the checklist a task of each type copies (city-wide templates).
TEMPLATES = {
    "visit": ("入户走访", ["核对家庭成员信息", "了解困难和诉求", "检查燃气用电安全", "宣传惠民政策"]),
    "verify": (
        "信息核实",
        ["核对户籍与实有人口", "核对联系电话", "核对房屋用途（自住、出租、空置）", "更新特殊人群信息"],
    ),
    "hazard": (
        "隐患排查",
        ["楼道无堆物", "消防通道畅通", "灭火器压力正常、在有效期内", "无电动车入户或飞线充电", "燃气管道和阀门无异常"],
    ),
    "notice": ("通知送达", ["送达本人或家属", "讲解通知内容", "张贴或留存通知", "登记未送达住户"]),
    "follow_up": ("诉求跟进", ["回访诉求人", "核实办理结果", "记录满意度", "需协调事项上报社区"]),
    "agency": ("代办服务", ["核对办事材料", "代办业务（水、电、医保、社保）", "告知办理进度", "回执交给居民"]),
}
TYPE_WEIGHTS = {"visit": 9, "verify": 5, "hazard": 6, "notice": 5, "follow_up": 5, "agency": 4, "other": 2}
TITLES = {
    "verify": ("核实{place}实有人口信息", "核对{place}出租房屋租户信息", "核实{place}家庭成员变动"),
    "hazard": ("排查{place}楼道堆物", "检查{place}消防通道", "检查{place}电动车违规充电", "排查{place}燃气安全隐患"),
    "notice": (
        "送达{place}停水通知",
        "送达{place}燃气入户安检通知",
        "张贴{place}防汛通知",
        "宣传“i许昌”APP（{place}）",
    ),
    "follow_up": (
        "跟进{place}漏水纠纷调解",
        "回访{place}“微心愿”认领情况",
        "跟进{place}噪音投诉",
        "回访{place}诉求办理结果",
    ),
    "agency": (
        "为{place}老人代办医保缴费",
        "代办{place}社保资格认证",
        "协助{place}办理水电过户",
        "代办{place}居住证明",
    ),
    "other": (
        "通知{place}党员参加“红色治理会客厅”议事",
        "协助{place}开展“邻里守望”活动",
        "组织{place}志愿者清理卫生死角",
    ),
}
VISIT_TITLES = {
    "elderly_alone": "走访独居老人（{place}）",
    "low_income": "走访低保户（{place}）",
    "disability": "走访残疾人家庭（{place}）",
    None: "入户走访{place}",
}
DESCRIPTIONS = {
    "visit": (
        "了解家庭成员、健康状况和近期困难，确认紧急联系人电话，做好走访记录。",
        "重点关注独居、高龄和行动不便的老人，宣传“3分钟”幸福生活圈的代办服务。",
    ),
    "verify": (
        "对照“五网融合”平台信息核对实有人口，补录新迁入人员，一次采集、多方利用。",
        "核实租户身份和租赁情况，提醒房东按规定办理居住登记。",
    ),
    "hazard": (
        "按检查清单逐项排查，发现隐患拍照留存，能当场整改的当场整改。",
        "楼道堆物和电动车飞线充电是冬季火灾主要隐患，需逐户提醒。",
    ),
    "notice": ("将通知送达每一户，无人在家的张贴并登记，次日补送。", "讲解通知内容，提醒老人提前储水，做好准备。"),
    "follow_up": (
        "居民通过网格反映的诉求已转相关单位办理，回访办理结果和满意度。",
        "协调物业和双方住户，跟进调解进展。",
    ),
    "agency": (
        "社区党群服务中心提供水、电、医保、社保等代办服务，让群众在家门口办成事。",
        "核对材料后代为办理，办结后把回执交给居民。",
    ),
    "other": ("配合社区开展志愿服务活动，做好登记和宣传。",),
}
NOTES = {
    "ok": (
        "已入户，情况正常，已做好记录。",
        "住户配合，信息已更新。",
        "已逐项检查，未发现问题。",
        "已送达本人，并讲解了通知内容。",
        "已办结，回执已交给居民。",
    ),
    "problem_found": (
        "发现楼道堆放纸箱和旧家具，已通知住户三日内清理。",
        "发现电动车在楼道内充电，已当场劝阻，需复查。",
        "老人行动不便，家中燃气软管老化，已联系燃气公司更换。",
    ),
    "follow_up_needed": (
        "住户反映楼上漏水，需物业上门查看，已上报社区。",
        "家庭困难情况属实，建议申请临时救助，需社区跟进。",
        "租户未办理居住登记，约定下周补办。",
    ),
}
UNABLE_REASONS = (
    "多次上门无人在家，电话无人接听。",
    "住户外出务工，房屋暂时空置。",
    "住户拒绝入户，已请楼长协助沟通。",
)
CANCEL_REASONS = ("重复派发。", "居民已自行解决。", "该户已搬离本网格。")
REPORTS = (
    ("safety", "3单元楼道堆放大量纸箱和旧家具，堵塞消防通道。"),
    ("safety", "地下车库有电动车飞线充电，存在火灾隐患。"),
    ("sanitation", "小区东门垃圾桶满溢，周边有积存垃圾。"),
    ("facility", "2号楼单元门门禁损坏，夜间无法关闭。"),
    ("facility", "小区路灯有三盏不亮，老人晚上出行不便。"),
    ("dispute", "楼上楼下因漏水发生纠纷，双方情绪激动。"),
    ("illegal_building", "一楼住户在公共绿地私自搭建棚子。"),
    ("hardship", "独居老人近期摔伤，行动不便，需要帮助买菜和取药。"),
)
DISMISS_REASONS = ("经核实已由物业处理完毕。", "与已上报问题重复。")


def load_demo_tasks(seed: int) -> dict[str, int]:
    """Add the demo's grid work to the demo city (same transaction; the caller commits)."""
    places.forget()
    templates.forget()
    made = _templates()
    work = DemoWork(random.Random(f"redgrid-demo:{seed}:tasks"))
    for phone in WORKER_PHONES:
        work.worker_day_by_day(phone)
    work.fire_check()
    for phone in WORKER_PHONES:
        work.field_reports(phone)
    return {"checklist_templates": made, "tasks": work.tasks, "field_reports": work.reports}


def _templates() -> int:
    for task_type, (name, items) in TEMPLATES.items():
        db.session.add(
            ChecklistTemplate(
                task_type=task_type,
                name=f"{name}检查清单",
                items=[{"key": f"item{i}", "text": text} for i, text in enumerate(items, 1)],
                org_unit_id=None,
                active=True,
            )
        )
    db.session.flush()
    return len(TEMPLATES)


_user = account


class DemoWork(DemoPusher):
    """Three weeks of grid work, pushed as the admin and the workers made it."""

    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.admin = actor_for(_user(ADMIN_PHONE))
        self.tasks = self.reports = 0

    def _id(self) -> str:
        return self.new_id()

    def push(
        self, actor, at: datetime, entity: str, record_id: str, op: str, fields: dict, base=None, extra=None
    ) -> dict:
        """One mutation by `actor` at the moment `at` (the admin at the desk); the record after it."""
        client = "demo-desk" if actor is self.admin else None
        return super().push(actor, at, entity, record_id, op, fields, base, extra, client)

    # --- a worker's three weeks -----------------------------------------------------------

    def worker_day_by_day(self, phone: str) -> None:
        """A few dozen tasks given to one demo worker over three weeks, and what became of them."""
        user = _user(phone)
        worker = actor_for(user)
        grid_id = db.session.scalar(
            select(RoleAssignment.org_unit_id).where(
                RoleAssignment.user_id == user.id, RoleAssignment.role == "grid_worker"
            )
        )
        targets = GridTargets(grid_id, self.rng)
        types, weights = zip(*TYPE_WEIGHTS.items())
        for number in range(TASKS_PER_WORKER):
            task_type = self.rng.choices(types, weights)[0]
            created = self._moment(self.now - timedelta(days=self.rng.uniform(0.2, DAYS)))
            kind, target_id, place, flag = targets.pick(task_type)
            title = (VISIT_TITLES[flag] if task_type == "visit" else self.rng.choice(TITLES[task_type])).format(
                place=place
            )
            day = (created + timedelta(days=self.rng.choice((1, 2, 3, 5, 7, 10, 14)))).astimezone(CST)
            due = day.replace(hour=self.rng.choice((12, 18)), minute=0).astimezone(UTC)
            if number < 2:  # whatever the day: one task overdue since yesterday, one due in two days
                created = self.now - timedelta(days=3 if number == 0 else 0, hours=2)
                due = self.now + timedelta(days=-1 if number == 0 else 2)
            fields = {
                "type": task_type,
                "title": title,
                "description": self.rng.choice(DESCRIPTIONS[task_type]),
                "target_kind": kind,
                "target_id": target_id,
                "assignee_id": user.id,
                "due_at": iso(due),
                "priority": self.rng.choices(("low", "normal", "high", "urgent"), (2, 12, 4, 1))[0],
            }
            record = self.push(self.admin, created, "task", self._id(), "create", fields, extra={})
            self.tasks += 1
            if number >= 2:
                self._work(worker, record, created, due, targets.position(kind, target_id))

    def _moment(self, at: datetime) -> datetime:
        """Office hours of the day (08:30–17:30 in Xuchang), never after now."""
        local = at.astimezone(CST).replace(
            hour=self.rng.randint(8, 17), minute=self.rng.choice((0, 10, 20, 30, 40, 50))
        )
        return min(local.astimezone(UTC), self.now - timedelta(minutes=5))

    def _work(self, worker, record: dict, created: datetime, due: datetime, position: tuple[float, float]) -> None:
        """What became of the task: most past their due time are done (a few overdue), newer
        ones are waiting or under way."""
        start = created + timedelta(hours=self.rng.uniform(1, 48))
        end = start + timedelta(minutes=self.rng.randint(15, 150))
        if end >= self.now:
            return  # given out too recently: still waiting
        past_due = due < self.now
        outcomes = ("done", "in_progress", "unable", "cancelled", "assigned")
        weights = (70, 5, 8, 5, 12) if past_due else (30, 22, 4, 4, 40)
        outcome = self.rng.choices(outcomes, weights)[0]
        if outcome in ("done", "unable"):
            self._finish(worker, record, start, end, position, outcome)
        elif outcome == "in_progress":
            self._status(worker, record, start, "in_progress", position, started_at=iso(start))
        elif outcome == "cancelled":
            reason = self.rng.choice(CANCEL_REASONS)
            self.push(
                self.admin,
                start,
                "task",
                record["id"],
                "update",
                {"status": "cancelled"},
                record["version"],
                {record["id"]: {"reason": reason}},
            )

    def _location(self, position) -> dict:
        lat, lng = position
        return {
            "lat": round(lat + self.rng.uniform(-0.0008, 0.0008), 6),
            "lng": round(lng + self.rng.uniform(-0.0008, 0.0008), 6),
            "accuracy": self.rng.choice((6, 9, 12, 18, 25, 35)),
        }

    def _status(self, worker, record: dict, at: datetime, status: str, position, **fields) -> dict:
        device = at - timedelta(seconds=self.rng.randint(0, 90))  # pushed when the signal came back
        location = self._location(position)
        fields = {
            "status": status,
            "status_device_at": device.astimezone(CST).isoformat(),
            "status_location": location,
            **fields,
        }
        return self.push(worker, at, "task", record["id"], "update", fields, record["version"])

    def _finish(self, worker, record: dict, start: datetime, end: datetime, position, status: str) -> None:
        if self.rng.random() < 0.7:  # most start on the spot, then finish
            record = self._status(worker, record, start, "in_progress", position, started_at=iso(start))
        data = record["data"]
        report = {"started_at": iso(start), "finished_at": iso(end)}
        if self.rng.random() < 0.1:
            report["location_status"] = "denied"  # the worker refused the phone its position
        else:
            report.update(location=self._location(position), location_status="ok")
        if status == "unable":
            report["unable_reason"] = self.rng.choice(UNABLE_REASONS)
        else:
            outcome = self.rng.choices(("ok", "problem_found", "follow_up_needed"), (7, 2, 1))[0]
            report.update(outcome=outcome, notes=self.rng.choice(NOTES[outcome]))
            items = [item["key"] for item in data.get("checklist") or []]
            if items:
                report["checklist_answers"] = {
                    key: "yes" if outcome == "ok" or self.rng.random() < 0.7 else "no" for key in items
                }
        self._status(worker, {"id": record["id"], "version": record["version"]}, end, status, position, **report)

    # --- one bulk action ------------------------------------------------------------------

    def fire_check(self) -> None:
        """消防器材检查: one task per building of 河西社区, six days ago, due in four days."""
        community = db.session.scalars(
            select(OrgUnit).where(OrgUnit.name == "河西社区", OrgUnit.kind == "community")
        ).first()
        buildings = list(
            db.session.scalars(
                select(Building.id)
                .join(Compound, Compound.id == Building.compound_id)
                .where(Compound.community_id == community.id)
                .order_by(Building.id)
            )
        )
        places.prime("building", buildings)
        created = self._moment(self.now - timedelta(days=6))
        batch_id = self._id()
        workers = {}
        for building_id in buildings:
            place = places.place_of("building", building_id)
            if place is None or place.grid_id is None:
                continue
            assignee = places.grid_worker_of(place.grid_id)
            fields = {
                "type": "hazard",
                "title": f"{place.name} 消防器材检查",
                "target_kind": "building",
                "target_id": building_id,
                "description": "冬季消防安全检查：逐层检查灭火器和消防栓，清理楼道堆物，劝阻电动车入户充电。",
                "due_at": iso(self.now + timedelta(days=4)),
                "priority": "high",
                **({"assignee_id": assignee} if assignee else {}),
            }
            record_id = self._id()
            record = self.push(
                self.admin, created, "task", record_id, "create", fields, extra={record_id: {"batch_id": batch_id}}
            )
            self.tasks += 1
            if assignee and self.rng.random() < 0.45:
                if assignee not in workers:
                    workers[assignee] = actor_for(db.session.get(User, assignee))
                day = created + timedelta(days=self.rng.uniform(0.5, 5))
                if day < self.now - timedelta(hours=1):
                    compound = db.session.get(Compound, place.compound_id)
                    self._finish(
                        workers[assignee],
                        record,
                        day,
                        day + timedelta(minutes=40),
                        (compound.latitude, compound.longitude),
                        "done",
                    )

    # --- problems reported from the field ----------------------------------------------------

    def field_reports(self, phone: str) -> None:
        """A worker's reports of the past week: one converted into a task, one dismissed."""
        user = _user(phone)
        worker = actor_for(user)
        grid_id = db.session.scalar(
            select(RoleAssignment.org_unit_id).where(
                RoleAssignment.user_id == user.id, RoleAssignment.role == "grid_worker"
            )
        )
        targets = GridTargets(grid_id, self.rng)
        for number, (category, description) in enumerate(self.rng.sample(REPORTS, REPORTS_PER_WORKER)):
            at = self._moment(self.now - timedelta(days=self.rng.uniform(0.1, 7)))
            kind, target_id, _place, _flag = targets.pick("hazard")
            building_id = target_id if kind == "building" else None
            fields = {
                "grid_id": grid_id,
                "category": category,
                "description": description,
                "reported_at": at.astimezone(CST).isoformat(),
                "location": self._location(targets.position(kind, target_id)),
                "location_status": "ok",
                **({"building_id": building_id} if building_id else {}),
            }
            report = self.push(worker, at, "field_report", self._id(), "create", fields)
            self.reports += 1
            handled = at + timedelta(hours=self.rng.uniform(1, 20))
            if number == 0 and handled < self.now:
                self._convert(report, category, description, grid_id, user.id, building_id, handled)
            elif number == 1 and handled < self.now:
                update = {"status": "dismissed", "dismiss_reason": self.rng.choice(DISMISS_REASONS)}
                self.push(self.admin, handled, "field_report", report["id"], "update", update, report["version"])

    def _convert(
        self, report: dict, category: str, description: str, grid_id: int, reporter: int, building_id, at: datetime
    ) -> None:
        task_id = self._id()
        fields = {
            "type": "hazard" if category == "safety" else "follow_up",
            "title": f"处理上报问题：{description[:24]}",
            "description": description,
            "target_kind": "building" if building_id else "grid",
            "target_id": building_id or grid_id,
            "assignee_id": reporter,
            "due_at": iso(at + timedelta(days=3)),
            "priority": "high" if category == "safety" else "normal",
        }
        self.push(
            self.admin, at, "task", task_id, "create", fields, extra={task_id: {"source_report_id": report["id"]}}
        )
        self.tasks += 1
        self.push(
            self.admin,
            at,
            "field_report",
            report["id"],
            "update",
            {"status": "converted", "task_id": task_id},
            report["version"],
        )


class GridTargets:
    """The buildings and households of one grid, with their names, positions and care flags."""

    def __init__(self, grid_id: int, rng: random.Random):
        self.rng = rng
        covered = or_(
            Building.id.in_(select(GridCoverage.building_id).where(GridCoverage.grid_id == grid_id)),
            Building.compound_id.in_(select(GridCoverage.compound_id).where(GridCoverage.grid_id == grid_id)),
        )
        rows = db.session.execute(
            select(Building.id, Building.name, Compound.name, Compound.latitude, Compound.longitude)
            .join(Compound, Compound.id == Building.compound_id)
            .where(covered)
            .order_by(Building.id)
        ).all()
        self.buildings = {b: (f"{compound}{name}", (lat, lng)) for b, name, compound, lat, lng in rows}
        households = db.session.execute(
            select(Household.id, Household.building_id, Household.unit, Household.room)
            .where(Household.building_id.in_(self.buildings))
            .order_by(Household.id)
        ).all()
        self.households = {h: (b, f"{self.buildings[b][0]}{unit}{room}") for h, b, unit, room in households}
        flags = db.session.execute(
            select(Resident.household_id, Resident.care_flags).where(
                Resident.household_id.in_(self.households), Resident.care_flags.is_not(None)
            )
        )
        self.flagged = {}
        for household_id, care in flags:
            for flag in care or ():
                self.flagged.setdefault(flag, []).append(household_id)

    def pick(self, task_type: str) -> tuple[str, int, str, str | None]:
        """(kind, id, name, care flag) of a target that fits the type."""
        if task_type in ("hazard", "notice", "other"):
            building = self.rng.choice(sorted(self.buildings))
            return "building", building, self.buildings[building][0], None
        flag = None
        if task_type == "visit" and self.flagged and self.rng.random() < 0.7:
            flag = self.rng.choice(sorted(self.flagged))
            household = self.rng.choice(self.flagged[flag])
        else:
            household = self.rng.choice(sorted(self.households))
        return "household", household, self.households[household][1], flag

    def position(self, kind: str, target_id: int) -> tuple[float, float]:
        building = target_id if kind == "building" else self.households[target_id][0]
        return self.buildings[building][1]
