"""Last year's December evaluation of 河西社区, closed (DESIGN.md S5; PROTOCOL.md §20): the year's
service of the members reporting there (activities and projects of that year in their service
record), the round its admin 刘红梅 opened on 20 December with the 两委 (the two grid workers),
two party members and residents' representatives as evaluators, every form filled in on a phone
and submitted, and the round closed on the 28th — each unit and member told their grade.

Through the real paths (server/ledger/service.py, server/evaluation/service.py, the sync engine for
the forms), after the city, the wishes and 双报到 are in: the roster is whoever reports to 河西社区
then. One random.Random of its own."""

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from server.auth.models import User
from server.core import clock
from server.demo.pusher import DemoPusher, account
from server.demo.tasks import ADMIN_PHONE, WORKER_PHONES
from server.demo.wishes import BACKGROUND_PHONES
from server.evaluation import scoring
from server.evaluation import service as evaluation
from server.evaluation.models import EvaluationBallot
from server.extensions import db
from server.ledger import roster
from server.ledger import service as ledger
from server.org.models import OrgUnit

# What 河西社区's members did last year (the article: 健康义诊、快乐阅读、防溺宣传…): title, hours.
SERVICES = (
    ("健康义诊", 3),
    ("快乐阅读", 2),
    ("防溺水宣传", 2),
    ("重阳节敬老", 3),
    ("安全用电进社区", 2.5),
    ("文明城市创建志愿服务", 4),
    ("冬季送温暖", 3),
)
RESIDENT_REPS = 3  # of the demo wishes' residents of 河西社区


def load_demo_evaluation(seed: int, now: datetime | None = None) -> dict[str, int]:
    rng = random.Random(f"redgrid-demo:{seed}:evaluation")
    now = now or clock.now()
    year = now.astimezone(clock.CHINA).year - 1
    admin = account(ADMIN_PHONE)
    hexi = db.session.scalar(select(OrgUnit).where(OrgUnit.kind == "community", OrgUnit.name == "河西社区"))
    subjects = roster.subjects(hexi.id)
    members = [s for s in subjects if s.kind == "member"]
    credited = 0
    for n, member in enumerate(members):
        # From busy to hardly seen: the grades of a real round differ.
        for k in range(max(1, len(SERVICES) - n % 5 - rng.randrange(3))):
            title, hours = SERVICES[(n + k) % len(SERVICES)]
            day = datetime(year, 3 + k, 6 + rng.randrange(20), 9, tzinfo=clock.CHINA)
            rating = rng.choice((None, 4, 5, 5))
            ledger.credit(
                member.account_ids[0],
                hexi.id,
                "project",
                f"demo-{year}-{n}-{k}",
                f"{year}年{title}",
                hours,
                day,
                rating,
            )
            credited += 1
    db.session.commit()

    opened = datetime(year, 12, 20, 10, tzinfo=clock.CHINA)
    evaluators = {
        "committee": [account(phone).id for phone in WORKER_PHONES],
        "members": [m.account_ids[0] for m in members[:2]],
        "residents": list(db.session.scalars(select(User.id).where(User.phone.in_(BACKGROUND_PHONES[:RESIDENT_REPS])))),
    }
    with clock.at(opened):
        found = evaluation.open_round(
            admin,
            {
                "community_id": hexi.id,
                "year": year,
                "evaluators": evaluators,
                "closes_on": opened.date() + timedelta(days=8),
            },
        )
    pusher = DemoPusher(rng)
    records = {s["key"]: s for s in found.subjects}
    for ballot in db.session.scalars(
        select(EvaluationBallot).where(EvaluationBallot.round_id == found.id).order_by(EvaluationBallot.evaluator_id)
    ):
        evaluator = db.session.get(User, ballot.evaluator_id)
        own = {s["key"] for s in found.subjects if evaluator.id in s["account_ids"]}
        scores = {key: _score(records[key]["record"], rng) for key in records if key not in own}
        at = opened + timedelta(days=1 + rng.randrange(5), hours=rng.randrange(8))
        pusher.push(
            evaluator,
            at,
            "evaluation_ballot",
            ballot.id,
            "update",
            {"scores": scores, "status": "submitted"},
            ballot.version,
        )
    db.session.commit()
    with clock.at(datetime(year, 12, 28, 16, tzinfo=clock.CHINA)):
        evaluation.close_round(admin, found.id)
    return {"service_entries_last_year": credited, "evaluation_rounds": 1}


def _score(record: float, rng: random.Random) -> int:
    """An evaluator's button for a subject: mostly what the record says, sometimes a grade apart."""
    choices = list(scoring.FORM_SCORES.values())  # best first
    band = 0 if record >= 80 else 1 if record >= 55 else 2 if record >= 30 else 3
    band = min(max(band + rng.choice((0, 0, 0, -1, 1)), 0), len(choices) - 1)
    return choices[band]
