"""Demo needs (诉求, 接诉即办, PROTOCOL.md §16), filed the way a phone files them: each resident
pushes their need, the grid worker of the household's grid accepts, works and resolves it, the
resident rates it — every step through the sync engine at its moment (server/demo/pusher.py), so
the deadlines, the timeline, the notices and the figures (响应率, 解决率, 满意率) are the rules'.

河西社区: residents of its first grid (王志强's) and second grid (陈静's) — some needs answered in
time and rated well, one answered late, one resolved late, one rated low and so reopened to the
community admin 刘红梅, and some still open: in the workers' task lists, and on the admin's
供需对接 screen with the units' resources suggested for them (a repair for the power company's
electricians, help for the hospital's, tutoring for the school's). The demo resident 杨帆 (帝豪花园)
has a need resolved yesterday waiting for her rating and one being worked on, by the grid worker of
her grid (a background account). Residents are background accounts of people in the register."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from server.auth.models import RoleAssignment, User
from server.demo.pusher import DemoPusher, account, background_account, resident_account
from server.demo.tasks import WORKER_PHONES, GridTargets
from server.extensions import db
from server.org.models import OrgUnit
from server.tasks import places

RESIDENT_PHONE = "13800000007"  # 杨帆, 帝豪花园
CITY_ADMIN_PHONE = "13800000001"
HEXI_GRIDS = ("河西社区第一网格", "河西社区第二网格")  # 王志强's and 陈静's (WORKER_PHONES)
# Background accounts: the 139 0000 21xx block (the wishes' residents have 20xx).
NEED_PHONES = tuple(f"1390000{2101 + n}" for n in range(8))
DIHAO_WORKER = "吴海涛"


@dataclass(frozen=True)
class Step:
    """What happens to a need after it is filed: hours after filing each time, None for never."""

    accept: float | None = None  # the first response (accepted)
    work: float | None = None  # in progress
    resolve: float | None = None
    note: str = ""  # what was done (resolved)
    rating: int | None = None
    comment: str | None = None
    rate: float | None = None  # hours after resolving


# (grid, category, the resident's words, how long ago it was filed in hours, what followed)
HEXI_NEEDS = (
    (
        0,
        "repair",
        "3号楼2单元楼道灯坏了好几天，晚上上下楼看不见，老人容易摔倒。",
        9 * 24,
        Step(1, 3, 26, "已联系物业电工更换楼道声控灯，并检查了同单元其他楼层。", 5, "修得很快，谢谢网格员！", 5),
    ),
    (
        0,
        "sanitation",
        "小区西门垃圾桶满了没人清，天热有异味。",
        6 * 24 + 5,
        Step(3.5, 4, 80, "已协调环卫公司增加清运频次，每天早晚各一次。", 4, "现在干净多了，就是处理慢了点。", 6),
    ),
    (
        0,
        "help",
        "我家老人独居，子女在外地，希望能有人定期上门看看、量量血压。",
        2 * 24 + 3,
        Step(1, 20),
    ),
    (0, "repair", "厨房下水管堵了，物业说是入户管道不归他们管，不知道找谁修。", 1, Step()),
    (
        1,
        "dispute",
        "楼上装修每天早上七点就开始打钻，周末也不停，沟通了几次没用。",
        8 * 24,
        Step(1, 2, 30, "已上门协调，装修方承诺工作日 8:30 后施工、周末停工。", 2, "说好了不吵，周末还在打钻。", 48),
    ),
    (
        1,
        "policy",
        "想咨询一下八十岁以上老人的高龄补贴怎么申请，需要什么材料？",
        4 * 24,
        Step(
            2, None, 20, "已上门讲解高龄补贴政策，代为整理申请材料并提交社区。", 5, "讲得很清楚，还帮忙交了材料。", 10
        ),
    ),
    (1, "help", "孩子上初一，我们双职工下班晚，希望放学后有人帮忙辅导一下作业。", 26, Step(1.5)),
)
# 杨帆's: resolved yesterday, waiting for her rating; and one being worked on.
DIHAO_NEEDS = (
    (
        "repair",
        "1号楼1单元的门禁坏了，门一直关不上，外人随便进出。",
        4 * 24,
        Step(1, 2, 70, "已联系物业更换门禁电磁锁，门能正常关闭了。"),
    ),
    ("safety", "地下车库有人拉电线给电动车充电，很危险。", 20, Step(0.5, 1)),
)


def load_demo_needs(seed: int) -> dict[str, int]:
    """Add the demo's needs (same transaction; the caller commits)."""
    demo = _DemoNeeds(random.Random(f"redgrid-demo:{seed}:needs"))
    demo.hexi()
    demo.dihao()
    return {"needs": demo.needs}


class _DemoNeeds(DemoPusher):
    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.phones = iter(NEED_PHONES)
        self.needs = 0

    def file(self, resident: User, household_id: int, category: str, text: str, hours_ago: float) -> dict:
        at = self.now - timedelta(hours=hours_ago)
        fields = {
            "user_id": resident.id,
            "household_id": household_id,
            "category": category,
            "text": text,
            "photos": [self.photo(resident, f"need-{self.needs}", "need")],
            "filed_at": at.isoformat(),
        }
        self.needs += 1
        return self.push(resident, at, "need", self.new_id(), "create", fields)

    def follow(self, need: dict, handler: User, resident: User, step: Step, filed: datetime) -> dict:
        """The need's later steps, each at its moment: the handler's moves, the resident's rating."""

        def move(hours: float, who: User, **fields) -> dict:
            at = filed + timedelta(hours=hours)
            if who is handler:
                fields["status_device_at"] = at.isoformat()
            return self.push(who, at, "need", need["id"], "update", fields, need["version"])

        if step.accept is not None:
            need = move(step.accept, handler, status="accepted")
        if step.work is not None:
            need = move(step.work, handler, status="in_progress")
        if step.resolve is not None:
            need = move(step.resolve, handler, status="resolved", handle_note=step.note)
            if step.rating is not None:
                rated = step.resolve + step.rate
                need = move(rated, resident, rating=step.rating, rating_comment=step.comment)
        return need

    def _homes(self, grid_id: int, count: int) -> list[int]:
        """`count` households of the grid with no resident account yet, picked by the seed."""
        taken = set(
            db.session.scalars(select(RoleAssignment.household_id).where(RoleAssignment.household_id.is_not(None)))
        )
        free = [h for h in sorted(GridTargets(grid_id, self.rng).households) if h not in taken]
        return self.rng.sample(free, count)

    def hexi(self) -> None:
        grids = [db.session.scalar(select(OrgUnit.id).where(OrgUnit.name == name)) for name in HEXI_GRIDS]
        workers = [account(phone) for phone in WORKER_PHONES]
        homes = {g: iter(self._homes(grids[g], sum(1 for n in HEXI_NEEDS if n[0] == g))) for g in (0, 1)}
        for grid, category, text, hours_ago, step in HEXI_NEEDS:
            home = next(homes[grid])
            resident = resident_account(next(self.phones), home)
            need = self.file(resident, home, category, text, hours_ago)
            self.follow(need, workers[grid], resident, step, self.now - timedelta(hours=hours_ago))

    def dihao(self) -> None:
        resident = account(RESIDENT_PHONE)
        home = db.session.scalar(
            select(RoleAssignment.household_id).where(
                RoleAssignment.user_id == resident.id, RoleAssignment.role == "resident"
            )
        )
        grid_id = places.place_of("household", home).grid_id
        handler = (
            background_account(next(self.phones), DIHAO_WORKER, "grid_worker", org_unit_id=grid_id)
            if grid_id
            else account(CITY_ADMIN_PHONE)  # a household in no grid: its community's admins (§16)
        )
        for category, text, hours_ago, step in DIHAO_NEEDS:
            need = self.file(resident, home, category, text, hours_ago)
            self.follow(need, handler, resident, step, self.now - timedelta(hours=hours_ago))
