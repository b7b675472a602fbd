"""Bulk import of households, residents and users from a table (.xlsx or .csv): a preview that
changes nothing, and a commit that re-reads the same file, checks it again and writes all of it
in one transaction or nothing (PROTOCOL.md §23).

Rows are matched by natural keys, so importing a file twice changes nothing the second time:
household = compound + building + unit + room (names, inside the importer's jurisdiction);
resident = household + name + phone (without a phone: the name within the household);
user = phone (a row adds the role @ scope it names, once).

Everything is looked up in a few queries per file, whatever its length (50,000 residents: the
compounds by name, their buildings, the households of those buildings, their residents), and
written with multi-row INSERTs; bench/import_residents.py holds the figures."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from server import authz
from server.audit.service import record, scope_org_path
from server.auth import service as auth_service
from server.auth.models import ROLE_ORG_KIND, ROLE_SCOPES, ROLES, RoleAssignment, User
from server.auth.passwords import is_common
from server.auth.schemas import PHONE_RE, normalize_phone
from server.core import pokes
from server.errors import Conflict, Invalid, TooLarge, UnsupportedMediaType
from server.extensions import db
from server.i18n import CATALOG, LOCALES, _, current_locale
from server.imports import files
from server.imports.columns import COLUMNS, EXAMPLES, Column
from server.org.models import (
    CARE_FLAGS,
    Building,
    Compound,
    GridCoverage,
    Household,
    OrgUnit,
    PropertyCompany,
    Resident,
)

MAX_BYTES = 16 << 20  # a 100,000-row workbook is ~5 MiB
MAX_ROWS = 100_000
LISTED_ERRORS = 500  # the preview lists the first ones; errors_total counts them all
SAMPLE_ROWS = 200
CHUNK = 5000  # ids per IN (...): below SQLite's and PostgreSQL's limits on bound parameters
RELATIONS = ("head", "spouse", "child", "parent", "other")
_PHONE = re.compile(PHONE_RE)
_SEPARATORS = re.compile(r"[,，;；、/\s]+")


def require_importer(user) -> None:
    """Admins only: the jurisdiction of their admin roles bounds every row."""
    authz.require(user, "imports.run")


def can_import(user, _obj=None) -> bool:
    return authz.scopes_of(user).is_admin


# --- words of a file ------------------------------------------------------------------------


def _words(prefix: str, values) -> dict[str, str]:
    """What a cell may say for each value: the code, or its word in either language (any case)."""
    out = {}
    for value in values:
        out[value.casefold()] = value
        for locale in LOCALES:
            out[CATALOG[locale][f"{prefix}.{value}"].casefold()] = value
    return out


def _vocabularies() -> dict[str, dict[str, str]]:
    return {
        "role": _words("imports.role", ROLES),
        "relation": _words("imports.relation", RELATIONS),
        "gender": {**_words("imports.gender", ("M", "F")), "m": "M", "f": "F"},
        "care": _words("imports.care", CARE_FLAGS),
        "none": {CATALOG[locale]["imports.care.none"].casefold() for locale in LOCALES} | {"none", "-"},
    }


def labels(kind: str, locale: str | None = None) -> list[str]:
    locale = locale or current_locale()
    return [CATALOG[locale][f"imports.column.{c.key}"] for c in COLUMNS[kind]]


# --- the template ---------------------------------------------------------------------------


def template(user, kind: str, fmt: str) -> tuple[bytes, str, str]:
    """(bytes, mimetype, file name): the header row in the user's language and one example row."""
    require_importer(user)
    locale = current_locale()
    header, example = labels(kind, locale), EXAMPLES[locale][kind]
    name = f"{CATALOG[locale]['imports.kind.' + kind]}-template"
    if fmt == "csv":
        return files.template_csv(header, example), files.CSV, f"{name}.csv"
    return (
        files.template_xlsx(CATALOG[locale][f"imports.kind.{kind}"], header, example),
        files.xlsx.XLSX,
        f"{name}.xlsx",
    )


# --- reading and checking -------------------------------------------------------------------


@dataclass
class Plan:
    kind: str
    fmt: str
    rows: int = 0
    errors: list[dict] = field(default_factory=list)
    error_rows: set[int] = field(default_factory=set)
    actions: dict[int, str] = field(default_factory=dict)  # row number -> create / update / unchanged
    cells: dict[int, list[str]] = field(default_factory=dict)  # the first SAMPLE_ROWS rows, for the preview
    work: dict = field(default_factory=dict)  # what a commit writes (per kind)

    def error(self, number: int, header: str, code: str, **params) -> None:
        """An error of one cell: its row's number, its column's header, a code and its words."""
        self.error_rows.add(number)
        message = _(f"imports.error.{code}", **params)
        self.errors.append({"row": number, "column": header, "code": code, "message": message})

    def counts(self) -> dict:
        out = {"create": 0, "update": 0, "unchanged": 0}
        for row, action in self.actions.items():
            if row not in self.error_rows:
                out[action] += 1
        out["error"] = len(self.error_rows)
        return out


def _read(kind: str, filename: str, data: bytes) -> tuple[Plan, list[tuple[int, dict]], dict[str, str]]:
    """The file's rows as {column key: text}, and each column's header as the file writes it."""
    if len(data) > MAX_BYTES:
        raise TooLarge(_("imports.too_large", mib=f"{MAX_BYTES / (1 << 20):g}"))
    try:
        fmt = files.kind_of(filename, data)
        table = files.read_table(filename, data)
    except files.NotATable:
        message = _("imports.unsupported_type")
        raise UnsupportedMediaType(message, fields={"file": [message]}) from None
    except files.Unreadable:
        raise _unreadable() from None
    plan = Plan(kind, fmt)
    position, names = {}, {}
    header = [h.casefold() for h in table.header]
    for column in COLUMNS[kind]:
        said = {column.key.casefold()} | {CATALOG[loc][f"imports.column.{column.key}"].casefold() for loc in LOCALES}
        index = next((i for i, h in enumerate(header) if h in said), None)
        names[column.key] = table.header[index] if index is not None else _(f"imports.column.{column.key}")
        if index is not None:
            position[column.key] = index
        elif column.required:
            plan.error(1, names[column.key], "missing_column", column=names[column.key])
    rows = []
    try:
        for number, cells in table.rows:
            if not any(cells):
                continue
            if len(rows) >= MAX_ROWS:
                message = _("imports.too_many_rows", max=MAX_ROWS)
                raise Invalid(message, fields={"file": [message]}, code="import_too_many_rows")
            rows.append((number, {k: cells[i] if i < len(cells) else "" for k, i in position.items()}))
            if len(rows) <= SAMPLE_ROWS:
                plan.cells[number] = [rows[-1][1].get(c.key, "") for c in COLUMNS[kind]]
    except files.Unreadable:
        raise _unreadable() from None
    plan.rows = len(rows)
    if not rows and not plan.errors:
        raise Invalid(_("imports.empty"), fields={"file": [_("imports.empty")]}, code="import_empty")
    return plan, rows, names


def _unreadable() -> Invalid:
    return Invalid(_("imports.unreadable"), fields={"file": [_("imports.unreadable")]}, code="import_unreadable")


def _checked_text(plan: Plan, number: int, row: dict, columns: tuple[Column, ...], names: dict) -> bool:
    """Required cells present, none too long, no NUL; False when the row has an error."""
    fine = True
    for column in columns:
        value = row.get(column.key, "")
        if "\x00" in value:
            plan.error(number, names[column.key], "bad_value", value=value.replace("\x00", ""))
            fine = False
        elif not value and column.required:
            plan.error(number, names[column.key], "required")
            fine = False
        elif len(value) > column.most:
            plan.error(number, names[column.key], "too_long", max=column.most)
            fine = False
    return fine


def _phone(value: str) -> str | None:
    phone = normalize_phone(value)
    return phone if _PHONE.match(phone) else None


def _chunks(ids):
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


class Places:
    """Compounds (by name), their buildings and households, inside the importer's jurisdiction."""

    def __init__(self, user, compound_names):
        s = authz.scopes_of(user)
        self.all = s.is_root_admin
        self.units = set() if self.all else set(db.session.scalars(authz.units_under(s.admin_paths)))
        self.inside: dict[str, list[int]] = defaultdict(list)
        self.outside: set[str] = set()
        for chunk in _chunks(set(compound_names)):
            for id_, name, community_id in db.session.execute(
                select(Compound.id, Compound.name, Compound.community_id).where(Compound.name.in_(chunk))
            ):
                if self.all or community_id in self.units:
                    self.inside[name].append(id_)
                else:
                    self.outside.add(name)
        compound_ids = {ids[0] for ids in self.inside.values() if len(ids) == 1}
        self.buildings: dict[tuple[int, str], int] = {}
        for chunk in _chunks(compound_ids):
            rows = db.session.execute(
                select(Building.id, Building.compound_id, Building.name).where(Building.compound_id.in_(chunk))
            )
            self.buildings.update({(compound_id, name): id_ for id_, compound_id, name in rows})
        self.households: dict[tuple[int, str, str], int] = {}
        for chunk in _chunks(set(self.buildings.values())):
            rows = db.session.execute(
                select(Household.id, Household.building_id, Household.unit, Household.room).where(
                    Household.building_id.in_(chunk)
                )
            )
            self.households.update({(b, u, r): id_ for id_, b, u, r in rows})

    def compound(self, plan: Plan, number: int, name: str, column: str) -> int | None:
        found = self.inside.get(name, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            plan.error(number, column, "ambiguous", value=name)
        elif name in self.outside:
            plan.error(number, column, "outside_jurisdiction", value=name)
        else:
            plan.error(number, column, "unknown_compound", value=name)
        return None

    def building(self, plan: Plan, number: int, row: dict, names: dict) -> int | None:
        """The building of a row's compound and building cells (an error on the row when none)."""
        compound_id = self.compound(plan, number, row["compound"], names["compound"])
        if compound_id is None:
            return None
        building_id = self.buildings.get((compound_id, row["building"]))
        if building_id is None:
            plan.error(number, names["building"], "unknown_building", compound=row["compound"], value=row["building"])
        return building_id


# --- households -----------------------------------------------------------------------------


def _plan_households(user, plan: Plan, rows, names) -> None:
    places = Places(user, {row["compound"] for _, row in rows if row.get("compound")})
    first: dict[tuple, int] = {}
    new = []
    for number, row in rows:
        if not _checked_text(plan, number, row, COLUMNS["households"], names):
            continue
        building_id = places.building(plan, number, row, names)
        if building_id is None:
            continue
        key = (building_id, row["unit"], row["room"])
        if key in first:
            plan.error(number, names["room"], "duplicate_row", row=first[key])
            continue
        first[key] = number
        if key in places.households:
            plan.actions[number] = "unchanged"
        else:
            plan.actions[number] = "create"
            new.append(key)
    plan.work = {"households": new}


# --- residents ------------------------------------------------------------------------------


def _resident_fields(plan: Plan, number: int, row: dict, names: dict, words: dict) -> dict | None:
    """The resident's own cells as values; None after an error. Empty optional cells are left out
    (they keep what is stored)."""
    out, fine = {}, True
    if row.get("phone"):
        out["phone"] = _phone(row["phone"])
        if out["phone"] is None:
            plan.error(number, names["phone"], "bad_phone")
            fine = False
    if row.get("gender"):
        out["gender"] = words["gender"].get(row["gender"].casefold())
        if out["gender"] is None:
            plan.error(number, names["gender"], "bad_value", value=row["gender"])
            fine = False
    if row.get("birth_year"):
        year = row["birth_year"]
        top = date.today().year
        if not (year.isdigit() and 1900 <= int(year) <= top):
            plan.error(number, names["birth_year"], "bad_year", max=top)
            fine = False
        else:
            out["birth_year"] = int(year)
    if row.get("relation"):
        out["relation"] = words["relation"].get(row["relation"].casefold())
        if out["relation"] is None:
            plan.error(number, names["relation"], "bad_value", value=row["relation"])
            fine = False
    if row.get("care_flags"):
        said = [part for part in _SEPARATORS.split(row["care_flags"].casefold()) if part]
        if all(part in words["none"] for part in said):
            out["care_flags"] = []
        else:
            flags = {words["care"].get(part) for part in said}
            if None in flags:
                bad = next(p for p in said if p not in words["care"])
                plan.error(number, names["care_flags"], "bad_value", value=bad)
                fine = False
            else:
                out["care_flags"] = [flag for flag in CARE_FLAGS if flag in flags]
    return out if fine else None


def _plan_residents(user, plan: Plan, rows, names) -> None:
    words = _vocabularies()
    places = Places(user, {row["compound"] for _, row in rows if row.get("compound")})
    stored: dict[int, list] = defaultdict(list)
    for chunk in _chunks(set(places.households.values())):
        for resident in db.session.execute(
            select(
                Resident.id,
                Resident.household_id,
                Resident.name,
                Resident.phone,
                Resident.gender,
                Resident.birth_year,
                Resident.relation,
                Resident.care_flags,
            ).where(Resident.household_id.in_(chunk), Resident.merged_into_id.is_(None))  # not merged away
        ):
            stored[resident.household_id].append(resident)
    first: dict[tuple, int] = {}
    claimed: dict[int, int] = {}  # stored resident id -> the row matching it
    new_households: dict[tuple, None] = {}  # ordered set of (building_id, unit, room)
    creates, updates = [], []
    for number, row in rows:
        if not _checked_text(plan, number, row, COLUMNS["residents"], names):
            continue
        building_id = places.building(plan, number, row, names)  # the place's columns come first
        values = _resident_fields(plan, number, row, names, words)
        if values is None or building_id is None:
            continue
        place = (building_id, row["unit"], row["room"])
        key = (place, row["name"], values.get("phone"))
        if key in first:
            plan.error(number, names["name"], "duplicate_row", row=first[key])
            continue
        first[key] = number
        household_id = places.households.get(place)
        match = _match(stored.get(household_id, ()), row["name"], values.get("phone")) if household_id else None
        if match is AMBIGUOUS:
            plan.error(number, names["name"], "ambiguous_resident", value=row["name"])
            continue
        if match is not None and match.id in claimed:  # two rows of the file name one stored resident
            plan.error(number, names["name"], "duplicate_row", row=claimed[match.id])
            continue
        if match is not None:
            claimed[match.id] = number
        if match is None:
            if household_id is None:
                new_households[place] = None
            plan.actions[number] = "create"
            creates.append((place, {"name": row["name"], "relation": "other", **values}))
            continue
        changed = {
            k: v
            for k, v in values.items()
            if (list(getattr(match, k) or []) if k == "care_flags" else getattr(match, k)) != v
        }
        plan.actions[number] = "update" if changed else "unchanged"
        if changed:
            updates.append({"id": match.id, **changed})
    plan.work = {"households": list(new_households), "creates": creates, "updates": updates}


def _match(residents, name: str, phone: str | None):
    """The stored resident a row names, or None (a new one), or AMBIGUOUS: by name and phone;
    else among those of that name without a phone, the only one; else (a row without a phone)
    the only one of that name in the household."""
    named = [r for r in residents if r.name == name]
    if phone is not None:
        exact = [r for r in named if r.phone == phone]
        if exact:
            return exact[0]
    phoneless = [r for r in named if r.phone is None]
    if len(phoneless) == 1:
        return phoneless[0]
    if len(phoneless) > 1:
        return AMBIGUOUS
    if phone is None and len(named) == 1:
        return named[0]
    return AMBIGUOUS if phone is None and named else None


AMBIGUOUS = object()


# --- users ----------------------------------------------------------------------------------


class Scopes:
    """A row's scope text as (scope type, row), inside the importer's jurisdiction; cached."""

    def __init__(self, user, rows):
        self.user = user
        self.cache: dict[tuple[str, str], tuple] = {}
        household_compounds = {r["scope"].split("/")[0].strip() for _, r in rows if r.get("role") and "/" in r["scope"]}
        compounds = {r["scope"] for _, r in rows if r.get("scope")} | household_compounds
        self.places = Places(user, compounds)

    def resolve(self, role: str, text: str) -> tuple[str, object | None, str | None, dict]:
        """(scope type, row or None, error code, its parameters)."""
        if (role, text) not in self.cache:
            self.cache[(role, text)] = self._resolve(role, text)
        return self.cache[(role, text)]

    def _resolve(self, role: str, text: str):
        scope_type = ROLE_SCOPES[role]
        if scope_type == "org_unit":
            found = list(db.session.scalars(select(OrgUnit).where(or_(OrgUnit.code == text, OrgUnit.name == text))))
            kind = ROLE_ORG_KIND[role]
            found = [u for u in found if kind is None or u.kind == kind]
            wanted = _(f"scope.{kind}") if kind else _("scope.org_unit")
        elif scope_type == "compound":
            found = list(db.session.scalars(select(Compound).where(Compound.name == text)))
            wanted = _("scope.compound")
        elif scope_type == "company":
            found = list(db.session.scalars(select(PropertyCompany).where(PropertyCompany.name == text)))
            wanted = _("scope.company")
        else:
            return self._household(text)
        inside = [row for row in found if authz.can(self.user, "scope.grant", (scope_type, row))]
        if len(inside) == 1:
            return scope_type, inside[0], None, {}
        if len(inside) > 1:
            return scope_type, None, "ambiguous", {"value": text}
        if found:
            return scope_type, None, "outside_jurisdiction", {"value": text}
        return scope_type, None, "unknown_scope", {"value": text, "scope": wanted}

    def _household(self, text: str):
        parts = [p.strip() for p in text.split("/")]
        if len(parts) != 4 or not all(parts):
            return "household", None, "unknown_household", {"value": text}
        compound, building, unit, room = parts
        ids = self.places.inside.get(compound, [])
        if not ids and compound in self.places.outside:
            return "household", None, "outside_jurisdiction", {"value": text}
        if len(ids) > 1:
            return "household", None, "ambiguous", {"value": compound}
        building_id = self.places.buildings.get((ids[0], building)) if ids else None
        household_id = self.places.households.get((building_id, unit, room))
        household = db.session.get(Household, household_id) if household_id else None
        if household is None:
            return "household", None, "unknown_household", {"value": text}
        if not authz.can(self.user, "scope.grant", ("household", household)):
            return "household", None, "outside_jurisdiction", {"value": text}
        return "household", household, None, {}


def _plan_users(user, plan: Plan, rows, names) -> None:
    words = _vocabularies()
    phones = {p for _, row in rows if (p := _phone(row.get("phone", "")))}
    known, visible = {}, set()
    for chunk in _chunks(phones):
        known.update(dict(db.session.execute(select(User.phone, User.id).where(User.phone.in_(chunk))).all()))
        visible |= set(db.session.scalars(select(User.id).where(User.phone.in_(chunk), authz.visible(user, User))))
    held = set()
    for chunk in _chunks(set(known.values())):
        for a in db.session.scalars(select(RoleAssignment).where(RoleAssignment.user_id.in_(chunk))):
            held.add((a.user_id, a.role, a.scope_id))
    scopes = Scopes(user, rows)
    first: dict[tuple, int] = {}
    accounts: dict[str, dict] = {}  # new accounts by phone
    grants = []  # (phone, role, scope_type, scope id)
    for number, row in rows:
        if not _checked_text(plan, number, row, COLUMNS["users"], names):
            continue
        phone = _phone(row["phone"])
        role = words["role"].get(row["role"].casefold())
        if phone is None:
            plan.error(number, names["phone"], "bad_phone")
        if role is None:
            plan.error(number, names["role"], "bad_value", value=row["role"])
        if phone is None or role is None:
            continue
        scope_type, scope, code, params = scopes.resolve(role, row["scope"])
        if code:
            plan.error(number, names["scope"], code, **params)
            continue
        key = (phone, role, scope.id)
        if key in first:
            plan.error(number, names["scope"], "duplicate_row", row=first[key])
            continue
        first[key] = number
        user_id = known.get(phone)
        if user_id is not None and user_id not in visible:
            plan.error(number, names["phone"], "phone_elsewhere")
            continue
        if user_id is None:
            if phone not in accounts:
                password = row.get("password", "")
                if len(password) < 8:
                    plan.error(number, names["password"], "password_needed")
                    continue
                if is_common(password):
                    plan.error(number, names["password"], "password_common")
                    continue
                accounts[phone] = {"display_name": row["display_name"], "password": password, "row": number}
            plan.actions[number] = "create"
            grants.append((phone, role, scope_type, scope.id))
        elif (user_id, role, scope.id) in held:
            plan.actions[number] = "unchanged"
        else:
            plan.actions[number] = "update"
            grants.append((phone, role, scope_type, scope.id))
    plan.work = {"accounts": accounts, "grants": grants, "known": known}


PLANNERS = {"households": _plan_households, "residents": _plan_residents, "users": _plan_users}


def _plan(user, kind: str, filename: str, data: bytes) -> Plan:
    require_importer(user)
    plan, rows, names = _read(kind, filename, data)
    if not plan.errors:  # a missing column: nothing else is worth saying
        PLANNERS[kind](user, plan, rows, names)
    plan.errors.sort(key=lambda e: e["row"])
    return plan


def preview(user, kind: str, filename: str, data: bytes) -> dict:
    """What a commit of this file would do, row by row; nothing is written."""
    plan = _plan(user, kind, filename, data)
    counts = plan.counts()
    errors_by_row = defaultdict(list)
    for error in plan.errors:
        errors_by_row[error["row"]].append(error)
    sample = [
        {
            "row": number,
            "action": "error" if number in plan.error_rows else plan.actions.get(number, "error"),
            "cells": cells,
        }
        for number, cells in plan.cells.items()
    ]
    return {
        "kind": kind,
        "format": plan.fmt,
        "columns": [{"key": c.key, "label": label} for c, label in zip(COLUMNS[kind], labels(kind))],
        "rows": plan.rows,
        "counts": counts,
        "households_created": len(plan.work.get("households", ())) if kind != "users" else 0,
        "accounts_created": len(plan.work.get("accounts", ())) if kind == "users" else 0,
        "errors": plan.errors[:LISTED_ERRORS],
        "errors_total": len(plan.errors),
        "sample": sample,
        "committable": not plan.errors,
    }


# --- writing --------------------------------------------------------------------------------


def commit(user, kind: str, filename: str, data: bytes) -> dict:
    """Check the file again and write every row of it in one transaction, or nothing."""
    plan = _plan(user, kind, filename, data)
    if plan.errors:
        message = _("imports.has_errors", count=len(plan.errors))
        raise Invalid(message, fields={"file": [message]}, code="import_has_errors")
    buildings: set[int] = set()
    try:
        if kind == "users":
            _write_users(user, plan)
        else:
            buildings = _write_places(kind, plan)
        counts = plan.counts()
        record("import.commit", actor=user, kind=kind, filename=(filename or "")[:120], rows=plan.rows, **counts)
        grids = _covering_grids(buildings)
        pokes.after_commit((f"grid:{grid_id}" for grid_id in grids), event=pokes.DIRECTORY)
        db.session.commit()
    except IntegrityError:  # another import wrote the same household meanwhile
        db.session.rollback()
        raise Conflict(_("imports.conflict"), code="import_conflict") from None
    return {
        "kind": kind,
        "rows": plan.rows,
        "counts": counts,
        "households_created": len(plan.work.get("households", ())) if kind != "users" else 0,
        "accounts_created": len(plan.work.get("accounts", ())) if kind == "users" else 0,
    }


def _write_places(kind: str, plan: Plan) -> set[int]:
    """Insert the new households, then (residents) the new residents and the changes; the
    buildings touched, whose grids' directories changed."""
    work = plan.work
    touched = set()
    household_ids = {}
    new = work["households"]
    if new:
        returned = db.session.execute(
            insert(Household).returning(
                Household.id, Household.building_id, Household.unit, Household.room, sort_by_parameter_order=True
            ),
            [{"building_id": b, "unit": u, "room": r} for b, u, r in new],
        ).all()
        household_ids = {(b, u, r): id_ for id_, b, u, r in returned}
        touched |= {b for b, _, _ in new}
    if kind == "residents":
        if work["creates"]:
            ids_by_place = dict(household_ids)
            missing = {place for place, _ in work["creates"] if place not in ids_by_place}
            for chunk in _chunks({b for b, _, _ in missing}):
                for id_, b, u, r in db.session.execute(
                    select(Household.id, Household.building_id, Household.unit, Household.room).where(
                        Household.building_id.in_(chunk)
                    )
                ):
                    ids_by_place.setdefault((b, u, r), id_)
            db.session.execute(
                insert(Resident), [{"household_id": ids_by_place[place], **values} for place, values in work["creates"]]
            )
            touched |= {place[0] for place, _ in work["creates"]}
        if work["updates"]:
            db.session.execute(update(Resident), work["updates"])
            ids = [u["id"] for u in work["updates"]]
            for chunk in _chunks(ids):
                touched |= set(
                    db.session.scalars(
                        select(Household.building_id)
                        .join(Resident, Resident.household_id == Household.id)
                        .where(Resident.id.in_(chunk))
                    )
                )
    return touched


def _write_users(admin, plan: Plan) -> None:
    """New accounts as the admin's own creation makes them (audited user.create), then each role
    (audited role.grant), as POST /api/admin/users and its roles do."""
    known = dict(plan.work["known"])
    for phone, account in plan.work["accounts"].items():
        created = auth_service.create_user(phone, account["display_name"], account["password"], actor=admin)
        known[phone] = created.id
    for phone, role, scope_type, scope_id in plan.work["grants"]:
        user_id = known[phone]
        db.session.add(
            RoleAssignment(user_id=user_id, role=role, granted_by_id=admin.id, **{f"{scope_type}_id": scope_id})
        )
        record(
            "role.grant",
            actor=admin,
            target=db.session.get(User, user_id),
            role=role,
            scope_type=scope_type,
            scope_id=scope_id,
            org_path=scope_org_path(scope_type, scope_id),
        )
    db.session.flush()


def _covering_grids(building_ids: set[int]) -> set[int]:
    grids = set()
    for chunk in _chunks(building_ids):
        compounds = select(Building.compound_id).where(Building.id.in_(chunk))
        covering = or_(GridCoverage.building_id.in_(chunk), GridCoverage.compound_id.in_(compounds))
        grids |= set(db.session.scalars(select(GridCoverage.grid_id).where(covering)))
    return grids
