"""Overdue rectification orders escalate (DESIGN.md S2: "overdue orders escalate to the community").

Rules, applied by escalate(now) with the rules' clock (server/core/clock.py) as `now`:

- An order is overdue when it is open or reopened (the company has not answered, or its answer
  was refused) and its deadline has passed. A responded order waits for the steward's
  re-inspection, not for the company: it never escalates while responded.
- Level 1 (community): an overdue order below level 1 gets overdue_at = its deadline (the instant
  it went overdue, the same whenever the job runs), escalation_level 1, escalated_at = now.
  The admins of the compound's community get a notice (预警), and so do the compound's red
  stewards and the company's staff.
- Level 2 (street): once now ≥ deadline + INSPECTION_STREET_ESCALATION_HOURS (default 72), the
  level becomes 2 and the admins of the street get a notice (紧急). A job that was not running
  for days raises both levels in one run, with both notices.
- "The admins of a unit" are those assigned at that unit; when it has none, those of the
  nearest unit above that has some (an escalation never goes to nobody).

The order's fields change through the sync engine as a server-made mutation (phones pull them
and are poked); each escalation is audited. Notices go through the one notification service
(server/notices/service.py): an entry in each recipient's synced inbox (PROTOCOL.md §13), in
their language, category 整改结果, linking to the order, then a live `alert` event and Web Push
after the commit. Each has the dedupe key "order:<id>:level:<n>" (per recipient), so
re-running, or two runs at once, never notify twice.

It runs by `redgrid inspections escalate` (cron, or by hand) and inside `redgrid serve` in a
daemon thread every INSPECTION_ESCALATE_EVERY_MINUTES (default 5; 0 turns it off, as in tests).
With several server processes (gunicorn), run the CLI from cron instead.
"""

import logging
import threading
from datetime import UTC, timedelta

from flask import Flask, current_app
from sqlalchemy import select

from server.audit.service import record as audit
from server.auth.models import RoleAssignment
from server.core import clock, periodic
from server.core.fields import iso
from server.extensions import db
from server.i18n import text_in
from server.inspections.access import order_buckets
from server.inspections.models import RectificationOrder
from server.inspections.notices import staff_of, stewards_of
from server.inspections.periods import local_minute
from server.notices import service as notices
from server.org.models import Compound, OrgUnit
from server.sync.actors import system_actor
from server.sync.writer import Writer, mutation
from sync import Actor

log = logging.getLogger(__name__)
ESCALATING = ("open", "reopened")
CLIENT = "server:escalation"
NOTICE_LEVEL_OF = {1: "warning", 2: "urgent"}  # 预警 to the community, 紧急 to the street


def target_level(order: RectificationOrder, now, street_hours: int) -> int:
    """The level an order should be at now (0: not overdue)."""
    if order.status not in ESCALATING or order.deleted or order.deadline_at is None:
        return 0
    deadline = _aware(order.deadline_at)
    if now <= deadline:
        return 0
    return 2 if now >= deadline + timedelta(hours=street_hours) else 1


def _aware(instant):
    """SQLite returns naive datetimes; every stored time is UTC."""
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def admins_at_or_above(unit_id: int) -> list[int]:
    """The admins assigned at the unit, else at the nearest unit above that has admins."""
    unit = db.session.get(OrgUnit, unit_id)
    for ancestor_id in reversed(unit.ancestor_ids):
        admins = list(
            db.session.scalars(
                select(RoleAssignment.user_id)
                .where(RoleAssignment.role == "admin", RoleAssignment.org_unit_id == ancestor_id)
                .order_by(RoleAssignment.user_id)
            )
        )
        if admins:
            return admins
    return []


def _notify_level(order: RectificationOrder, compound: Compound, level: int) -> list[int]:
    """The notices of one escalation step (inbox entries, in the caller's transaction); returns
    who got a new one."""
    # The deadline as people in Xuchang read it ("2026-11-29 08:45"), not as an instant for machines.
    params = {"compound": compound.name, "item": order.item_text[:60], "deadline": local_minute(order.deadline_at)}
    unit_id = (
        compound.community_id
        if level == 1
        else (db.session.get(OrgUnit, compound.community_id).parent_id or compound.community_id)
    )
    notified = _send(admins_at_or_above(unit_id), f"order_escalated_{level}", order, compound, level, params)
    if level == 1:
        involved = stewards_of(compound.id) + staff_of(order.company_id)
        notified += _send(involved, "order_overdue", order, compound, level, params)
    return notified


def _send(
    user_ids: list[int], kind: str, order: RectificationOrder, compound: Compound, level: int, params: dict
) -> list[int]:
    """One notice of a kind per user, written in each one's language ("notification.<kind>.title"
    and ".body"); the dedupe key names the step, so a user hears of it once whatever their roles."""
    return notices.notify(
        user_ids,
        kind,
        lambda locale: text_in(locale, f"notification.{kind}.title", **params),
        lambda locale: text_in(locale, f"notification.{kind}.body", **params),
        link=f"#/orders/{order.id}",
        level=NOTICE_LEVEL_OF[level],
        category="rectification",
        data={"order_id": order.id, "compound_id": compound.id, "level": level},
        dedupe_key=f"order:{order.id}:level:{level}",
    )


def escalate(now=None, street_hours: int | None = None) -> dict:
    """Escalate every overdue order one or two levels (the module docstring); returns counts."""
    now = now or clock.now()
    hours = street_hours if street_hours is not None else current_app.config["INSPECTION_STREET_ESCALATION_HOURS"]
    candidates = db.session.scalars(
        select(RectificationOrder)
        .where(
            RectificationOrder.status.in_(ESCALATING),
            RectificationOrder.deleted.is_(False),
            RectificationOrder.deadline_at < now,
            RectificationOrder.escalation_level < 2,
        )
        .order_by(RectificationOrder.deadline_at, RectificationOrder.id)
    ).all()
    steps = [(order, target_level(order, now, hours)) for order in candidates]
    steps = [(order, level) for order, level in steps if level > order.escalation_level]
    if not steps:
        return {"escalated": 0, "notified": 0}
    writer = Writer(actor=_system_actor([order for order, _ in steps]), client_id=CLIENT)
    mutations = []
    for order, level in steps:
        fields = {"escalation_level": level, "escalated_at": iso(now)}
        if order.overdue_at is None:
            fields["overdue_at"] = iso(_aware(order.deadline_at))
        mutations.append(mutation("rectification_order", order.id, "update", fields, order.version))
    before = {order.id: order.escalation_level for order, _ in steps}  # the push writes into these rows
    results = writer.push(mutations)  # escalation fields are the server's own (BY_SERVER in sync.py)
    notified: set[int] = set()
    escalated = 0
    for (order, level), result in zip(steps, results):
        if result.status == "rejected":
            log.warning("escalation of order %s refused: %s", order.id, result.error)
            continue
        escalated += 1
        compound = db.session.get(Compound, order.compound_id)
        for step in range(before[order.id] + 1, level + 1):
            users = _notify_level(order, compound, step)
            notified |= set(users)
            audit(
                "rectification.escalate",
                order_id=order.id,
                compound_id=compound.id,
                level=step,
                notified=users,
                at=iso(now),
            )
    writer.commit()  # the notification service pokes the inboxes and sends after this commit
    return {"escalated": escalated, "notified": len(notified)}


def _system_actor(orders) -> Actor:
    """The server, as SYSTEM in the buckets of these orders."""
    return system_actor(
        None, [b for o in orders for b in order_buckets({"compound_id": o.compound_id, "company_id": o.company_id})]
    )


# --- the daemon inside `redgrid serve` ----------------------------------------------------------


def start_daemon(app: Flask) -> threading.Thread | None:
    """Run escalate() every INSPECTION_ESCALATE_EVERY_MINUTES in a daemon thread (0: none)."""
    return periodic.start_job(app, PERIODIC)


def _escalate_and_log() -> None:
    result = escalate()
    if result["escalated"]:
        log.info("escalated %(escalated)s order(s), %(notified)s notice(s)", result)


PERIODIC = periodic.PeriodicJob(
    "escalation", lambda config: config.get("INSPECTION_ESCALATE_EVERY_MINUTES", 0) * 60, _escalate_and_log
)
