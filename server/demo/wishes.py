"""Demo micro-wishes (DESIGN.md S5): what 河西社区's wall and the demo accounts hold on the day the
demo is loaded — a wish the demo volunteer 孙磊 fulfilled last month (it counts in his service
record), one he claimed and has still to fulfil, one open on the wall for him to claim, one
waiting for the community admin 刘红梅's review, one she declined; and for the demo resident 杨帆
(帝豪花园) a wish a volunteer of her community fulfilled yesterday, waiting for her confirmation,
and a new one under review.

Residents of 河西社区 who posted them are background accounts of people in the register (they
cannot sign in: no password), as is the volunteer of 杨帆's community. Everything is pushed
through the engine as each person did it (server/demo/pusher.py)."""

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from server.auth.models import RoleAssignment, User
from server.demo.pusher import DemoPusher, account, background_account, resident_account
from server.demo.tasks import ADMIN_PHONE, CST
from server.extensions import db
from server.org.models import Building, Compound, Household
from server.wishes.models import Wish, WishCard

VOLUNTEER_PHONE = "13800000008"  # 孙磊, 河西社区
RESIDENT_PHONE = "13800000007"  # 杨帆, 帝豪花园
CITY_ADMIN_PHONE = "13800000001"
HEXI_GARDEN = "河西花园"
# Background accounts: phones of the 139 0000 2xxx block (nobody signs in with them).
BACKGROUND_PHONES = ("13900002001", "13900002002", "13900002003", "13900002004", "13900002005")

# (the resident's words, why, the admin's public title, its public text)
WISHES = {
    "glasses": (
        "想要一副老花镜",
        "眼睛花了，看报纸、看药盒上的字都看不清。",
        "一位独居老人想要一副老花镜",
        "度数约 200 度，用来看报纸和药品说明。",
    ),
    "tap": (
        "厨房水龙头漏水，想请人帮忙修一修",
        "水龙头一直滴水，自己年纪大了不会修，物业说不属于公共部位。",
        "一户老人家的厨房水龙头漏水，需要帮忙维修",
        "需要会简单水电维修的志愿者，带上生料带和扳手。",
    ),
    "books": (
        "想给孙子买几本课外读物",
        "孩子上三年级，家里没有课外书，我们不太会挑。",
        "一名三年级小学生想要几本课外读物",
        "适合小学三年级的科普或故事书 3～5 本。",
    ),
    "hospital": ("希望有人陪我去医院复查", "下周二要去市中心医院复查，子女在外地，一个人去怕看不懂流程。", None, None),
    "tv": ("想要一台新电视", "家里电视坏了。", None, None),
    "phone_booking": (
        "想请人教我用手机挂号",
        "每次去医院都要排很久的队，听说手机上可以挂号，但不会用。",
        "一位居民想学用手机预约挂号",
        "教会使用医院公众号预约挂号，大约一小时。",
    ),
    "tutoring": ("希望有大学生志愿者给孩子辅导数学", "孩子初二，数学跟不上，家里请不起家教。", None, None),
}


def load_demo_wishes(seed: int) -> dict[str, int]:
    """Add the demo's wishes to the demo city (same transaction; the caller commits)."""
    demo = _DemoWishes(random.Random(f"redgrid-demo:{seed}:wishes"))
    demo.hexi()
    demo.dihao()
    return {"wishes": demo.wishes}


class _DemoWishes(DemoPusher):
    def __init__(self, rng: random.Random):
        super().__init__(rng)
        self.admin = account(ADMIN_PHONE)
        self.city_admin = account(CITY_ADMIN_PHONE)
        self.volunteer = account(VOLUNTEER_PHONE)
        self.wishes = 0
        self.phones = iter(BACKGROUND_PHONES)

    def _at(self, days_ago: float, hour: int) -> datetime:
        local = (self.now - timedelta(days=days_ago)).astimezone(CST)
        return local.replace(hour=hour, minute=self.rng.randrange(60))

    def _resident_of(self, household_id: int) -> User:
        return resident_account(next(self.phones), household_id)

    # --- the steps of a wish, each by whoever took it --------------------------------------

    def post(self, resident: User, household_id: int, key: str, days_ago: float) -> dict:
        title, reason, _, _ = WISHES[key]
        self.wishes += 1
        at = self._at(days_ago, 9)
        fields = {"user_id": resident.id, "household_id": household_id, "title": title, "reason": reason}
        fields["photos"] = [self.photo(resident, key, "wish")]
        return self.push(resident, at, "wish", self.new_id(), "create", fields)

    def approve(self, admin: User, wish: dict, key: str, days_ago: float) -> dict:
        _, _, public_title, public_text = WISHES[key]
        fields = {"status": "approved", "public_title": public_title, "public_text": public_text}
        return self.push(admin, self._at(days_ago, 10), "wish", wish["id"], "update", fields, wish["version"])

    def card(self, wish: dict) -> dict:
        """The wall's card the approval made (a follow-up of the wish's mutation)."""
        card = db.session.get(WishCard, db.session.get(Wish, wish["id"]).card_id)
        return {"id": card.id, "version": card.version}

    def move(self, who: User, card: dict, days_ago: float, hour: int, **fields) -> dict:
        return self.push(who, self._at(days_ago, hour), "wish_card", card["id"], "update", fields, card["version"])

    def fulfil(self, volunteer: User, card: dict, key: str, days_ago: float, hours: float, note: str) -> dict:
        at = self._at(days_ago, 15)
        evidence = self.photo(volunteer, key, "done")
        fields = {
            "status": "fulfilled",
            "fulfil_note": note,
            "hours": hours,
            "evidence_photos": [evidence],
            "fulfilled_at": at.isoformat(),
        }
        return self.push(volunteer, at, "wish_card", card["id"], "update", fields, card["version"])

    # --- the two communities ----------------------------------------------------------------

    def hexi(self) -> None:
        homes = db.session.scalars(
            select(Household.id)
            .join(Building, Building.id == Household.building_id)
            .join(Compound, Compound.id == Building.compound_id)
            .where(Compound.name == HEXI_GARDEN)
            .order_by(Household.id)
        ).all()
        (glasses_home, tap_home, books_home, hospital_home) = homes[2:10:2]
        people = {home: self._resident_of(home) for home in (glasses_home, tap_home, books_home, hospital_home)}

        wish = self.post(people[glasses_home], glasses_home, "glasses", 24)
        self.approve(self.admin, wish, "glasses", 23)
        card = self.move(self.volunteer, self.card(wish), 22, 19, status="claimed")
        card = self.fulfil(self.volunteer, card, "glasses", 20, 1.5, "已配好 200 度老花镜送到家中，并帮老人试戴。")
        self.move(
            people[glasses_home], card, 19, 18, status="confirmed", rating=5, rating_comment="谢谢小孙，戴上看得清了！"
        )

        wish = self.post(people[glasses_home], glasses_home, "tv", 12)
        note = "价值较高，超出微心愿范围，已转社区困难救助渠道。"
        self.push(
            self.admin,
            self._at(11, 10),
            "wish",
            wish["id"],
            "update",
            {"status": "rejected", "review_note": note},
            wish["version"],
        )

        wish = self.post(people[tap_home], tap_home, "tap", 6)
        self.approve(self.admin, wish, "tap", 5)
        self.move(self.volunteer, self.card(wish), 2, 20, status="claimed")

        wish = self.post(people[books_home], books_home, "books", 3)
        self.approve(self.admin, wish, "books", 2)

        self.post(people[hospital_home], hospital_home, "hospital", 1)

    def dihao(self) -> None:
        resident = account(RESIDENT_PHONE)
        home = db.session.scalar(
            select(RoleAssignment.household_id).where(
                RoleAssignment.user_id == resident.id, RoleAssignment.role == "resident"
            )
        )
        community_id = db.session.scalar(
            select(Compound.community_id)
            .join(Building, Building.compound_id == Compound.id)
            .where(Building.id == db.session.get(Household, home).building_id)
        )
        helper = background_account(next(self.phones), "李敏", "volunteer", org_unit_id=community_id)

        wish = self.post(resident, home, "phone_booking", 10)
        self.approve(self.city_admin, wish, "phone_booking", 9)
        card = self.move(helper, self.card(wish), 8, 20, status="claimed")
        self.fulfil(helper, card, "phone_booking", 1, 1, "已上门教会使用医院公众号预约挂号，并写了步骤卡片。")

        self.post(resident, home, "tutoring", 2)
