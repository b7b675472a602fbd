"""The demo city generator (server/demo): shape, named places, accounts, determinism, scaling."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from server import create_app
from server.alerts.models import Alert
from server.auth.models import RoleAssignment, User
from server.auth.passwords import verify_password
from server.demo import DEFAULT_HOUSEHOLDS, DEMO_ACCOUNTS, load_demo
from server.demo.members import DEMO_MEMBER_PHONES
from server.demo.needs import NEED_PHONES
from server.demo.wishes import BACKGROUND_PHONES
from server.extensions import db
from server.notices.models import InboxEntry
from server.org.models import (
    CARE_FLAGS,
    ORG_KINDS,
    Building,
    Compound,
    GridCoverage,
    Household,
    OrgUnit,
    OwnersCommittee,
    PropertyCompany,
    Resident,
)
from server.tasks.need_models import Need
from tests.conftest import fresh_database


def make_app(url):
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test"})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_default_city_size_and_summary(demo):
    counts = demo["counts"]
    assert counts["households"] == DEFAULT_HOUSEHOLDS == count(Household)
    assert 3000 <= counts["households"] <= 5000
    assert counts["residents"] == count(Resident)
    assert 2.5 * counts["households"] < counts["residents"] < 3.5 * counts["households"]
    assert 6 <= counts["property_companies"] <= 10
    assert counts["users"] == len(DEMO_ACCOUNTS)
    assert [a["phone"] for a in demo["accounts"]] == [a["phone"] for a in DEMO_ACCOUNTS]
    kinds = dict(db.session.execute(select(OrgUnit.kind, func.count()).group_by(OrgUnit.kind)).all())
    assert kinds["city"] == 1 and kinds["district"] == 4
    assert kinds["street"] >= 8 and kinds["community"] >= 16
    assert kinds["grid"] >= 2 * kinds["community"] and kinds["courtyard"] >= kinds["grid"]


def test_org_paths_and_depths(demo):
    units = {u.id: u for u in db.session.scalars(select(OrgUnit))}
    for unit in units.values():
        if unit.parent_id is None:
            assert unit.kind == "city" and unit.path == f"/{unit.id}/" and unit.depth == 0
            continue
        parent = units[unit.parent_id]
        assert unit.path == f"{parent.path}{unit.id}/"
        assert unit.depth == parent.depth + 1 == len(unit.ancestor_ids) - 1
        assert ORG_KINDS.index(unit.kind) == ORG_KINDS.index(parent.kind) + 1
    codes = [u.code for u in units.values()]
    assert len(set(codes)) == len(codes)


def parent_chain(unit: OrgUnit) -> list[str]:
    names = []
    while unit is not None:
        names.append(unit.name)
        unit = unit.parent
    return names


def test_real_places_of_the_article(demo):
    hexi = db.session.scalars(select(OrgUnit).where(OrgUnit.name == "河西社区")).one()
    assert hexi.kind == "community"
    assert parent_chain(hexi) == ["河西社区", "文峰街道", "魏都区", "许昌市"]
    grids = db.session.scalars(select(OrgUnit.name).where(OrgUnit.parent_id == hexi.id)).all()
    assert {"河西社区第一网格", "河西社区第二网格"} <= set(grids)
    codes = dict(db.session.execute(select(OrgUnit.name, OrgUnit.code).where(OrgUnit.depth <= 1)).all())
    assert codes == {"许昌市": "411000", "魏都区": "411002", "建安区": "411003", "东城区": "411071", "禹州市": "411081"}

    dihao = db.session.scalars(select(Compound).where(Compound.name == "帝豪花园")).one()
    assert dihao.property_company.name == "远航物业服务有限公司"
    assert dihao.property_company.has_party_branch
    assert len(dihao.property_company.credit_code) == 18
    assert parent_chain(dihao.community)[-2:] == ["东城区", "许昌市"]
    assert dihao.owners_committee.name == "帝豪花园业主委员会"
    assert dihao.owners_committee.chair_name
    assert dihao.owners_committee.established_on < dihao.owners_committee.term_ends_on
    yuanhang = dihao.property_company
    managed = db.session.scalars(select(Compound).where(Compound.property_company_id == yuanhang.id)).all()
    assert 2 <= len(managed) <= 3
    assert all(parent_chain(c.community)[-2] == "东城区" for c in managed)
    assert {c.community.name for c in managed} == {"学苑社区"}  # next to 帝豪花园, in 刘红梅's area
    assert count(OwnersCommittee) > 1
    # Self-managed compounds (no property company) exist, among them the old 家属院.
    assert db.session.scalar(select(func.count()).where(Compound.property_company_id.is_(None))) > 0
    assert db.session.scalar(select(func.count()).where(Compound.name.like("%家属院"))) > 0


def test_buildings_and_residents_look_real(demo):
    for building in db.session.scalars(select(Building)):
        assert building.name.endswith("号楼") and 1 <= building.units <= 4 and 5 <= building.floors <= 33
    for household in db.session.scalars(select(Household).limit(300)):
        assert household.unit.endswith("单元") and household.room[-2:] in ("01", "02", "03", "04")
        assert [r.relation for r in household.residents][0] == "head"
        assert 1 <= len(household.residents) <= 5
    residents = db.session.scalars(select(Resident)).all()
    assert {r.relation for r in residents} == {"head", "spouse", "child", "parent", "other"}
    assert all(2 <= len(r.name) <= 3 and r.gender in ("M", "F") for r in residents)
    assert all(1920 < r.birth_year < 2026 for r in residents)
    phones = [r.phone for r in residents if r.phone]
    assert any(r.phone is None for r in residents)
    assert len(set(phones)) == len(phones)
    account_phones = {a["phone"] for a in DEMO_ACCOUNTS}
    # Only the resident account's own register entry carries a demo account's number.
    assert [p for p in phones if p in account_phones] == ["13800000007"]
    assert all(p.startswith("139") and len(p) == 11 for p in phones if p != "13800000007")
    for compound in db.session.scalars(select(Compound)):
        assert 33.9 < compound.latitude < 34.3 and 113.3 < compound.longitude < 114.1


def test_care_flags_are_a_few_percent_and_plausible(demo):
    """独居老人, 低保, 残疾: each a few percent of residents; living alone means alone and 60+."""
    residents = db.session.scalars(
        select(Resident).options(selectinload(Resident.household).selectinload(Household.residents))
    ).all()
    share = {flag: sum(flag in (r.care_flags or []) for r in residents) / len(residents) for flag in CARE_FLAGS}
    assert all(0.005 < value < 0.06 for value in share.values()), share
    for resident in residents:
        assert resident.care_flags is None or (resident.care_flags and set(resident.care_flags) <= set(CARE_FLAGS))
        if "elderly_alone" in (resident.care_flags or []):
            assert len(resident.household.residents) == 1 and 2026 - resident.birth_year >= 60
        if "low_income" in (resident.care_flags or []):  # granted to the household: every member has it
            assert all("low_income" in (r.care_flags or []) for r in resident.household.residents)


def test_grid_coverage(demo):
    coverages = db.session.scalars(select(GridCoverage)).all()
    by_compound = [c for c in coverages if c.compound_id is not None]
    by_building = [c for c in coverages if c.building_id is not None]
    assert by_compound and by_building
    grids = set(db.session.scalars(select(OrgUnit.id).where(OrgUnit.kind == "grid")))
    assert {c.grid_id for c in coverages} == grids  # every grid covers something
    # Every building is covered exactly once: by its compound or by itself.
    whole = {c.compound_id for c in by_compound}
    single = [c.building_id for c in by_building]
    assert len(single) == len(set(single))
    for building in db.session.scalars(select(Building)):
        assert (building.compound_id in whole) != (building.id in single)
    # 帝豪花园 is split between two grids of its community, building by building.
    dihao = db.session.scalars(select(Compound).where(Compound.name == "帝豪花园")).one()
    dihao_buildings = set(db.session.scalars(select(Building.id).where(Building.compound_id == dihao.id)))
    dihao_grids = {c.grid_id for c in by_building if c.building_id in dihao_buildings}
    assert len(dihao_grids) == 2 and dihao.id not in whole


def test_demo_accounts(demo):
    for account in DEMO_ACCOUNTS:
        user = db.session.scalars(select(User).where(User.phone == account["phone"])).one()
        assert user.display_name == account["display_name"]
        assert verify_password(user.password_hash, account["password"])
        assert len(account["password"]) >= 8 and account["scope"]
        assert {r.role for r in user.roles} == {account["role"]}
    assert len({a["password"] for a in DEMO_ACCOUNTS}) == len(DEMO_ACCOUNTS)

    def scopes(phone):
        user = db.session.scalars(select(User).where(User.phone == phone)).one()
        return [r.scope_id for r in user.roles]

    def org_name(phone):
        return [db.session.get(OrgUnit, i).name for i in scopes(phone)]

    assert org_name("13800000001") == ["许昌市"]
    assert sorted(org_name("13800000002")) == ["学苑社区", "河西社区"]
    assert org_name("13800000003") == ["河西社区第一网格"]
    assert org_name("13800000004") == ["河西社区第二网格"]
    steward = [db.session.get(Compound, i) for i in scopes("13800000005")]
    assert [c.name for c in steward] == ["帝豪花园", "河西花园"]
    assert steward[1].community.name == "河西社区"
    assert [db.session.get(PropertyCompany, i).name for i in scopes("13800000006")] == ["远航物业服务有限公司"]
    (home_id,) = scopes("13800000007")
    home = db.session.get(Household, home_id)
    assert (home.building.compound.name, home.building.name, home.unit, home.room) == (
        "帝豪花园",
        "1号楼",
        "1单元",
        "301",
    )
    assert home.residents[0].name == "杨帆"
    assert org_name("13800000008") == ["河西社区"]
    # and the people of the demo wishes and needs, and 双报到's members (volunteer@河西社区)
    assert count(RoleAssignment) == 10 + len(BACKGROUND_PHONES) + len(NEED_PHONES) + len(DEMO_MEMBER_PHONES)


def test_the_community_admin_reaches_every_place_the_demo_accounts_work_in(demo):
    """Issue 16 item 7: 刘红梅 (admin of 河西社区 and 学苑社区) sees the compounds, households and
    grids of every other demo account: the grid workers', the steward's, 远航物业's, the
    resident's home (帝豪花园) and the volunteer's community."""
    from server.authz import visible_compounds, visible_households, visible_org_units

    def user(phone):
        return db.session.scalars(select(User).where(User.phone == phone)).one()

    admin = user("13800000002")
    admin_compounds = set(db.session.scalars(select(Compound.id).where(visible_compounds(admin))))
    admin_units = set(db.session.scalars(select(OrgUnit.id).where(visible_org_units(admin))))
    for account in DEMO_ACCOUNTS[2:]:
        other = user(account["phone"])
        theirs = set(db.session.scalars(select(Compound.id).where(visible_compounds(other))))
        assert theirs and theirs <= admin_compounds, account["display_name"]
        for role in other.roles:
            if role.org_unit_id:
                assert role.org_unit_id in admin_units, account["display_name"]
    home = user("13800000007").roles[0].household_id
    assert db.session.scalar(select(Household.id).where(Household.id == home, visible_households(admin))) == home
    dihao = db.session.scalars(select(Compound).where(Compound.name == "帝豪花园")).one()
    assert dihao.id in admin_compounds and dihao.community.name == "学苑社区"


def snapshot() -> dict:
    """Rows that must be identical between two loads with the same seed."""

    def rows(model, order, limit=None):
        columns = [c for c in model.__table__.columns if c.name != "password_hash"]
        query = select(*columns).order_by(order)
        return [tuple(row) for row in db.session.execute(query.limit(limit) if limit else query)]

    return {
        "counts": {m.__tablename__: count(m) for m in (OrgUnit, Compound, Building, Household, Resident, GridCoverage)},
        "org_units": rows(OrgUnit, OrgUnit.id),
        "companies": rows(PropertyCompany, PropertyCompany.id),
        "compounds": rows(Compound, Compound.id),
        "buildings": rows(Building, Building.id),
        "first_residents": rows(Resident, Resident.id, 50),
        "last_residents": rows(Resident, Resident.id.desc(), 50),
        "users": rows(User, User.id),
        "roles": rows(RoleAssignment, RoleAssignment.id),
        # the needs as filed and worked (their times follow the day the demo is loaded)
        "needs": [
            tuple(row)
            for row in db.session.execute(
                select(
                    Need.id, Need.user_id, Need.household_id, Need.grid_id, Need.category, Need.status, Need.rating
                ).order_by(Need.id)
            )
        ],
    }


def test_same_seed_same_city(demo, database_url, tmp_path):
    first = snapshot()
    with fresh_database(database_url, tmp_path, "again") as url:
        other = make_app(url)
        with other.app_context():
            load_demo(seed=2026)
            second = snapshot()
            db.session.remove()
            db.engine.dispose()
    assert first == second


def test_other_seed_other_city(demo, app):
    default = [r.name for r in db.session.scalars(select(Resident).order_by(Resident.id).limit(30))]
    with app.app_context():
        load_demo(households=1500, seed=7)
        other = [r.name for r in db.session.scalars(select(Resident).order_by(Resident.id).limit(30))]
        assert db.session.scalar(select(func.count()).where(Compound.name == "帝豪花园")) == 1
    assert other != default


def test_scaled_city_has_exactly_n_households(app):
    with app.app_context():
        summary = load_demo(households=2000)
        assert summary["counts"]["households"] == 2000 == count(Household)
        # Every building has households, every compound buildings, every community compounds.
        assert db.session.scalar(select(func.count()).where(~Building.id.in_(select(Household.building_id)))) == 0
        assert db.session.scalar(select(func.count()).where(~Compound.id.in_(select(Building.compound_id)))) == 0
        communities = select(OrgUnit.id).where(OrgUnit.kind == "community")
        assert set(db.session.scalars(communities)) == set(db.session.scalars(select(Compound.community_id)))


def test_bigger_city_grows_streets_and_communities(app):
    with app.app_context():
        summary = load_demo(households=30_000)
        assert summary["counts"]["households"] == 30_000
        communities = db.session.scalar(select(func.count()).where(OrgUnit.kind == "community"))
        assert communities >= 30_000 / 2600


def test_refuses_a_database_with_data(app):
    with app.app_context():
        load_demo(households=1500)
        with pytest.raises(RuntimeError):
            load_demo(households=1500)
        with pytest.raises(ValueError):
            load_demo(households=10)


def test_readme_lists_the_demo_accounts_as_they_are():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for account in DEMO_ACCOUNTS:
        assert f"| {account['phone']} | {account['password']} |" in readme, account["phone"]


def test_the_demo_has_alerts_in_the_inboxes_of_their_audience(demo):
    assert demo["counts"]["alerts"] == 4
    statuses = dict(db.session.execute(select(Alert.title, Alert.status)).all())
    assert statuses["周六上午党群服务中心义诊"] == "scheduled" and statuses["寒潮蓝色预警"] == "sent"
    resident = db.session.scalar(select(User).where(User.phone == "13800000007"))  # 帝豪花园
    kinds = sorted(
        db.session.execute(select(InboxEntry.kind, InboxEntry.title).where(InboxEntry.user_id == resident.id)).all()
    )
    assert ("alert", "停水通知：帝豪花园") in kinds and any(kind == "rectification_result" for kind, _ in kinds)
    # 河西社区's water cut reached nobody of 帝豪花园.
    assert all("河西花园" not in title for _, title in kinds)
