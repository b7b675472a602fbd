"""The demo city: a Xuchang-like city of exactly N households, streamed into an empty database.

Shape (DESIGN.md §1): 许昌市 → 4 districts → streets → communities → grids (1–2 compounds each,
or a share of a large compound's buildings) → courtyards (居民组); compounds → buildings →
households → residents. The default city is a skeleton of 2–4 streets per district and 2–3
communities per street; a bigger N adds streets (2–4 communities each) until communities hold
about HOUSEHOLDS_PER_COMMUNITY households, then splits N exactly over communities, grids,
compounds and buildings (the last building of a compound may have its top floors unregistered).

All ids are assigned here, so materialized paths need no round trip; rows go out as Core
executemany chunks (writer.BulkWriter). One random.Random per concern, seeded from `seed`:
same seed and size, same rows (only the Argon2 password hashes differ, by their random salt).
"""

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from server.demo import names as words
from server.demo.accounts import DEMO_ACCOUNTS, DEMO_CREATED_AT, RESIDENT_ACCOUNT, write_accounts
from server.demo.activities import load_demo_activities
from server.demo.alerts import load_demo_alerts
from server.demo.buildings import CompoundPlan, building_grids, building_shapes
from server.demo.evaluation import load_demo_evaluation
from server.demo.inspections import load_demo_inspections
from server.demo.members import load_demo_members
from server.demo.needs import load_demo_needs
from server.demo.people import People
from server.demo.places import Places, split
from server.demo.tasks import load_demo_tasks
from server.demo.wishes import load_demo_wishes
from server.demo.writer import TABLE_NAMES, BulkWriter
from server.extensions import db
from server.org.models import OrgUnit
from server.sync.actors import server_account

DEFAULT_HOUSEHOLDS = 4000
MIN_HOUSEHOLDS = 1500  # the built-in places and two grids of 10+ households per community
HOUSEHOLDS_PER_COMMUNITY = 2600
HOUSEHOLDS_PER_GRID = 400

DISTRICT_CODES = tuple(district[1] for district in words.DISTRICTS)
YUANHANG = "远航物业服务有限公司"
WANJIA = "许昌万家物业服务有限公司"
DIHAO = "帝豪花园"
DIHAO_COMMUNITY = "学苑社区"
HEXI_COMMUNITY = "河西社区"
HEXI_GARDEN = "河西花园"
HEXI_OLD = "许昌卷烟厂家属院"
# Built-in compounds: (kind, company, has owners' committee, built year, committee dates).
SPECIAL_COMPOUNDS = {
    DIHAO: ("new", YUANHANG, True, 2013, date(2021, 6, 18)),
    HEXI_GARDEN: ("new", WANJIA, True, 2009, date(2019, 11, 8)),
    HEXI_OLD: ("old", None, False, 1986, None),
}


@dataclass
class Unit:
    id: int
    path: str
    depth: int
    name: str
    code: str
    lat: float
    lng: float
    district: int = 0  # index into names.DISTRICTS


class CityGenerator:
    def __init__(self, session, households: int, seed: int):
        self.session = session
        self.households = households
        self.rng = random.Random(f"redgrid-demo:{seed}:city")
        self.people = People(
            random.Random(f"redgrid-demo:{seed}:people"), care_rng=random.Random(f"redgrid-demo:{seed}:care")
        )
        self.places = Places(random.Random(f"redgrid-demo:{seed}:names"))
        self.places.reserve(DIHAO, HEXI_GARDEN, HEXI_OLD, DIHAO_COMMUNITY, HEXI_COMMUNITY)
        self.writer = BulkWriter(session)
        self.refs: dict[str, int] = {}
        self.companies: dict[str, int] = {}
        self.company_pool: list[int] = []
        self.company_weights: list[float] = []
        self.yuanhang_more = 2  # 远航物业 manages 帝豪花园 and this many more compounds of 学苑社区
        self.dihao_size = min(max(round(households * 0.08), 240), 1200)

    # ------------------------------------------------------------------ whole city
    def run(self) -> dict[str, int]:
        for table in TABLE_NAMES:  # continue after any rows already there (e.g. an init admin)
            self.writer.last_id[table] = self.session.scalar(
                select(func.coalesce(func.max(self.writer.tables[table].c.id), 0))
            )
        self._companies()
        communities = self._skeleton()
        for (community, special), budget in zip(communities, self._budgets(communities)):
            self._community(community, budget, special)
        write_accounts(self.writer, self.refs)
        self.writer.flush()
        self.writer.reset_sequences()
        return dict(self.writer.counts)

    def _org(self, kind, name, parent: Unit | None, code, lat, lng, district=0) -> Unit:
        unit_id = self.writer.next_id("org_units")
        path = f"{parent.path if parent else '/'}{unit_id}/"
        depth = parent.depth + 1 if parent else 0
        self.writer.add(
            "org_units",
            {
                "id": unit_id,
                "kind": kind,
                "name": name,
                "code": code,
                "parent_id": parent.id if parent else None,
                "path": path,
                "depth": depth,
            },
        )
        return Unit(unit_id, path, depth, name, code, lat, lng, district)

    def _jitter(self, value: float, spread: float) -> float:
        return round(value + self.rng.uniform(-spread, spread), 6)

    def _companies(self) -> None:
        rng = self.rng
        count = max(rng.randint(6, 10), min(40, self.households // 5000))
        names = [YUANHANG, WANJIA, *self.places.company_names(count - 2, exclude=WANJIA)]
        for index, name in enumerate(names):
            company_id = self.writer.next_id("property_companies")
            self.companies[name] = company_id
            self.writer.add(
                "property_companies",
                {
                    "id": company_id,
                    "name": name,
                    "credit_code": self.places.credit_code(
                        ("411071", "411002")[index] if index < 2 else rng.choice(DISTRICT_CODES)
                    ),
                    "contact_phone": f"0374-{rng.randint(2100000, 7999999)}",
                    "has_party_branch": index < 2 or rng.random() < 0.5,
                },
            )
            if name != YUANHANG:  # 远航物业 only gets its own compounds
                self.company_pool.append(company_id)
                self.company_weights.append(1 / (len(self.company_pool) ** 0.7))
        self.refs["yuanhang"] = self.companies[YUANHANG]

    # ------------------------------------------------------------------ skeleton
    def _skeleton(self) -> list[tuple[Unit, str | None]]:
        """City, districts, streets and communities; returns (community, special) in id order."""
        rng = self.rng
        name, code, lat, lng = words.CITY
        city = self._org("city", name, None, code, lat, lng)
        self.refs["city"] = city.id
        plans: list[list[int]] = []  # per district: community count of each street
        for index in range(len(words.DISTRICTS)):
            streets = rng.randint(3, 4) if index == 0 else rng.randint(2, 3)
            plans.append([rng.randint(2, 3) for _ in range(streets)])
        wanted = math.ceil(self.households / HOUSEHOLDS_PER_COMMUNITY)
        growth = 0
        while sum(map(sum, plans)) < wanted:
            plans[words.GROWTH_ORDER[growth % len(words.GROWTH_ORDER)]].append(rng.randint(2, 4))
            growth += 1
        communities = []
        for index, (name, code, lat, lng, streets, _roads) in enumerate(words.DISTRICTS):
            district = self._org("district", name, city, code, lat, lng, index)
            for number, community_count in enumerate(plans[index], start=1):
                preferred = streets[number - 1] if number <= len(streets) else None
                street_name = self.places.street_name(preferred)
                street = self._org(
                    "street",
                    street_name,
                    district,
                    f"{code}{number:03d}",
                    self._jitter(lat, 0.03),
                    self._jitter(lng, 0.03),
                    index,
                )
                for position in range(1, community_count + 1):
                    special = None
                    if street_name == "文峰街道" and position == 1:
                        special, community_name = "hexi", HEXI_COMMUNITY
                    elif index == 2 and number == 1 and position == 1:
                        special, community_name = "dihao", DIHAO_COMMUNITY
                    else:
                        community_name = self.places.community_name()
                    community = self._org(
                        "community",
                        community_name,
                        street,
                        f"{street.code}{position:03d}",
                        self._jitter(street.lat, 0.012),
                        self._jitter(street.lng, 0.012),
                        index,
                    )
                    if special:
                        self.refs[f"{special}_community"] = community.id
                    communities.append((community, special))
        return communities

    def _budgets(self, communities) -> list[int]:
        """Split the households over communities, exactly; the two special ones get enough."""
        rng = self.rng
        weights = [rng.uniform(0.6, 1.4) for _ in communities]
        average = self.households / len(communities)
        fixed = {}
        for index, (_, special) in enumerate(communities):
            share = round(average * weights[index])
            if special == "dihao":
                fixed[index] = max(share, self.dihao_size + max(20, round(average / 2)))
            elif special == "hexi":
                fixed[index] = max(share, 120)
        others = [i for i in range(len(communities)) if i not in fixed]
        rest = split(self.households - sum(fixed.values()), [weights[i] for i in others], 20)
        budgets = dict(fixed)
        budgets.update(zip(others, rest))
        return [budgets[i] for i in range(len(communities))]

    # ------------------------------------------------------------------ one community
    def _community(self, community: Unit, budget: int, special: str | None) -> None:
        rng = self.rng
        compounds: list[CompoundPlan] = []
        grid_count = 0
        if special == "dihao":
            half = self.dihao_size // 2
            compounds.append(
                CompoundPlan(self.dihao_size, [0, 1], special=DIHAO, grid_shares=[half, self.dihao_size - half])
            )
            grid_count, rest = 2, budget - self.dihao_size
        elif special == "hexi":
            garden, old = min(round(budget * 0.55), 480), min(round(budget * 0.3), 120)
            compounds.append(CompoundPlan(garden, [0], special=HEXI_GARDEN))
            compounds.append(CompoundPlan(old, [1], kind="old", special=HEXI_OLD))
            grid_count, rest = 2, budget - garden - old
            if 0 < rest < 150:  # a small remainder: a second compound in 第二网格
                compounds.append(CompoundPlan(rest, [1], kind=self._kind(rest)))
                rest = 0
        else:
            rest = budget
        if rest:
            count = max(1 if grid_count else 2, round(rest / HOUSEHOLDS_PER_GRID))
            grid_budgets = split(rest, [rng.uniform(0.7, 1.3) for _ in range(count)], 10)
            index = 0
            while index < count:
                grid = grid_count + index
                here = grid_budgets[index]
                if (
                    index + 1 < count and min(here, grid_budgets[index + 1]) >= 250 and rng.random() < 0.1
                ):  # a large compound split between two grids
                    after = grid_budgets[index + 1]
                    compounds.append(CompoundPlan(here + after, [grid, grid + 1], grid_shares=[here, after]))
                    index += 2
                    continue
                if here >= 60 and rng.random() < 0.45:
                    for part in split(here, [rng.uniform(0.5, 1.5) for _ in range(2)], 10):
                        compounds.append(CompoundPlan(part, [grid], kind=self._kind(part)))
                else:
                    compounds.append(CompoundPlan(here, [grid], kind=self._kind(here)))
                index += 1
            grid_count += count
        if special == "dihao":  # 远航物业's other compounds (§ _compound): newer ones, next to 帝豪花园
            for plan in compounds[1:]:
                plan.kind = "mid" if plan.kind == "old" else plan.kind
        grids = self._grids(community, grid_count)
        for plan in compounds:
            self._compound(community, plan, grids)

    def _kind(self, budget: int) -> str:
        roll = self.rng.random()
        if budget <= 150:
            return "old" if roll < 0.4 else "mid" if roll < 0.8 else "new"
        if budget <= 300:
            return "old" if roll < 0.2 else "mid" if roll < 0.6 else "new"
        return "mid" if roll < 0.3 else "new"

    def _grids(self, community: Unit, count: int) -> list[Unit]:
        grids = []
        courtyard_number = 0
        for number in range(1, count + 1):
            name = f"{community.name}第{words.chinese_ordinal(number)}网格"
            grid = self._org("grid", name, community, f"{community.code}{number:02d}", community.lat, community.lng)
            if community.name == HEXI_COMMUNITY and number <= 2:
                self.refs[f"hexi_grid_{number}"] = grid.id
            for position in range(1, self.rng.randint(1, 3) + 1):
                courtyard_number += 1
                self._org(
                    "courtyard",
                    f"第{words.chinese_ordinal(courtyard_number)}居民组",
                    grid,
                    f"{grid.code}{position:02d}",
                    grid.lat,
                    grid.lng,
                )
            grids.append(grid)
        return grids

    # ------------------------------------------------------------------ one compound
    def _compound(self, community: Unit, plan: CompoundPlan, grids: list[Unit]) -> None:
        rng = self.rng
        district_name, _code, _lat, _lng, _streets, roads = words.DISTRICTS[community.district]
        town = district_name if district_name.endswith("市") else f"许昌市{district_name}"
        if plan.special:
            name = plan.special
            kind, company, has_committee, built_year, committee_date = SPECIAL_COMPOUNDS[name]
            company_id = self.companies[company] if company else None
        else:
            kind, committee_date = plan.kind, None
            local = town[:-1] if town.endswith("市") else "许昌"  # 禹州 work units in 禹州市
            name = self.places.compound_name(kind, roads, local=local)
            built_year = {"old": (1978, 1998), "mid": (1996, 2010), "new": (2006, 2022)}[kind]
            built_year = rng.randint(*built_year)
            company_id = None
            if community.id == self.refs.get("dihao_community") and self.yuanhang_more:
                # 远航物业 serves 帝豪花园's neighbours too: the demo's community admin (刘红梅, admin of
                # 河西社区 and 学苑社区) reaches every compound the demo's accounts work in.
                self.yuanhang_more -= 1
                company_id = self.companies[YUANHANG]
            elif kind == "new" or (kind == "mid" and rng.random() < 0.8):
                company_id = rng.choices(self.company_pool, self.company_weights)[0]
            has_committee = rng.random() < {"old": 0.05, "mid": 0.2, "new": 0.35}[kind]
        compound_id = self.writer.next_id("compounds")
        road = next((road for road in roads if name.startswith(road)), None) or rng.choice(roads)
        if name in (DIHAO, HEXI_GARDEN):
            self.refs["dihao" if name == DIHAO else "hexi_garden"] = compound_id
        self.writer.add(
            "compounds",
            {
                "id": compound_id,
                "name": name,
                "address": f"{town}{road}{rng.randint(1, 399)}号",
                "community_id": community.id,
                "property_company_id": company_id,
                "latitude": self._jitter(community.lat, 0.006),
                "longitude": self._jitter(community.lng, 0.006),
                "built_year": built_year,
            },
        )
        if has_committee:
            established = committee_date or date(rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28))
            term_ends = established.replace(year=established.year + 5) - timedelta(days=1)
            self.writer.add(
                "owners_committees",
                {
                    "id": self.writer.next_id("owners_committees"),
                    "compound_id": compound_id,
                    "name": f"{name}业主委员会",
                    "chair_name": self.people.full_name(),
                    "established_on": established,
                    "term_ends_on": term_ends,
                },
            )
        shapes = building_shapes(self.rng, plan, kind)
        owners = building_grids(plan, shapes)
        for number, (shape, grid_index) in enumerate(zip(shapes, owners), start=1):
            units, floors, per_floor, count = shape
            building_id = self.writer.next_id("buildings")
            self.writer.add(
                "buildings",
                {
                    "id": building_id,
                    "compound_id": compound_id,
                    "name": f"{number}号楼",
                    "units": units,
                    "floors": floors,
                },
            )
            self._households(building_id, units, floors, per_floor, count, demo=name == DIHAO and number == 1)
            if grid_index is not None:  # this grid covers single buildings of the compound
                self._cover(grids[grid_index].id, building_id=building_id)
        if len(plan.grids) == 1:
            self._cover(grids[plan.grids[0]].id, compound_id=compound_id)

    def _cover(self, grid_id: int, compound_id: int | None = None, building_id: int | None = None):
        self.writer.add(
            "grid_coverages",
            {
                "id": self.writer.next_id("grid_coverages"),
                "grid_id": grid_id,
                "compound_id": compound_id,
                "building_id": building_id,
            },
        )

    def _households(self, building_id, units, floors, per_floor, count, demo=False) -> None:
        """`count` households, floor by floor (the top floors stay unregistered when short)."""
        writer = self.writer
        placed = 0
        for floor in range(1, floors + 1):
            for unit in range(1, units + 1):
                for flat in range(1, per_floor + 1):
                    if placed == count:
                        return
                    placed += 1
                    household_id = writer.next_id("households")
                    room = f"{floor}{flat:02d}"
                    writer.add(
                        "households",
                        {"id": household_id, "building_id": building_id, "unit": f"{unit}单元", "room": room},
                    )
                    residents = self.people.household(household_id, writer.last_id["residents"] + 1)
                    writer.last_id["residents"] += len(residents)
                    if demo and unit == 1 and room == "301":  # the resident demo account's home
                        self.refs["dihao_household"] = household_id
                        surname = RESIDENT_ACCOUNT["display_name"][0]
                        residents[0].update(
                            name=RESIDENT_ACCOUNT["display_name"], gender="M", phone=RESIDENT_ACCOUNT["phone"]
                        )
                        for row in residents[1:]:
                            if row["relation"] in ("child", "parent", "other"):
                                row["name"] = surname + row["name"][1:]
                    for row in residents:
                        writer.add("residents", row)


def load_demo(households: int | None = None, seed: int = 2026) -> dict:
    """Insert the demo city into the (empty) database of the current app, in one transaction.

    households: None for the default city (DEFAULT_HOUSEHOLDS), else exactly that many
    households (at least MIN_HOUSEHOLDS). Returns {"seed", "households", "counts": rows per
    table, "accounts": DEMO_ACCOUNTS}.
    """
    count = DEFAULT_HOUSEHOLDS if households is None else int(households)
    if count < MIN_HOUSEHOLDS:
        raise ValueError(f"the demo city needs at least {MIN_HOUSEHOLDS} households, not {count}")
    session = db.session
    if session.scalar(select(func.count()).select_from(OrgUnit)):
        raise RuntimeError("the database already holds org units: load the demo into an empty one")
    try:
        counts = CityGenerator(session, count, seed).run()
        # The server's own account (its jobs' notices act as it), made now with the demo's date:
        # the same seed, the same rows.
        server_account().created_at = DEMO_CREATED_AT
        counts.update(load_demo_tasks(seed))
        counts.update(load_demo_inspections(seed))
        counts.update(load_demo_wishes(seed))
        counts.update(load_demo_needs(seed))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    counts.update(load_demo_alerts())  # after the commit: sending commits per chunk, as in service
    counts.update(load_demo_members())  # 双报到: the service commits each step
    counts.update(load_demo_activities(seed))  # 河西社区's activities: one done, two to come
    counts.update(load_demo_evaluation(seed))  # last year's, over the members who report now
    return {
        "seed": seed,
        "households": count,
        "counts": counts,
        "accounts": [dict(account) for account in DEMO_ACCOUNTS],
    }
