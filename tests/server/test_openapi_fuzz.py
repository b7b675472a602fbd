"""Schemathesis over /api/openapi.json with a signed-in session of every demo role, in-process
(the WSGI app on the test database: SQLite, or PostgreSQL by DATABASE_URL).

Every operation is called with the boundary values of its schema (coverage phase) and generated
input (fuzzing phase); each answer must be no server error, carry a documented status code and
content type, and match its documented schema. Seeded and derandomized: the same requests every
run. Bounded: the coverage phase plus FUZZ_EXAMPLES generated cases per operation (raise it for a
deeper run by hand; FUZZ_STATS=1 prints the requests per operation): about 20-30 s per role, 2.5 min
on SQLite and 3 min on PostgreSQL for the seven roles on 2 cores.
"""

import os

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events
from sqlalchemy import select

from server.auth.models import User
from server.auth.passwords import hash_password
from server.extensions import db, limiter
from tests.factories import PASSWORD

SEED = 20261206
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance")

# One account per demo role (tests/factories.py), by phone.
ROLES = {
    "admin_city": "13800000001",
    "admin_community": "13800000002",
    "grid_worker": "13800000003",
    "red_steward": "13800000005",
    "property_staff": "13800000006",
    "resident": "13800000007",
    "volunteer": "13800000008",
}


def _config(examples: int = EXAMPLES) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large", "large_base_example"],
            "workers": 1,
            "continue-on-failure": True,
            "generation": {"max-examples": examples, "deterministic": True, "database": "none"},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True, "unexpected-methods": [], "generate-duplicate-query-parameters": False},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
        }
    )


def _session_of(app, phone: str, client_of=None, reset_limits=limiter.reset) -> type:
    """An auth provider that gives every case the session cookie and the CSRF token of `phone`
    (a Cookie header would be dropped by werkzeug's test client).

    Trap: the fuzz may sign its own account out (an admin deactivating or re-passwording
    itself, a role revoked) and exhausts the sign-in limit by fuzzing the login; on a 401
    Schemathesis asks again, and the provider puts the account back and signs in anew.
    """

    with app.app_context():
        password_hash = hash_password(PASSWORD)

    class SignedIn:
        def get(self, case, context):
            with app.app_context():
                user = db.session.scalar(select(User).where(User.phone == phone))
                user.active, user.password_hash = True, password_hash
                db.session.commit()
            reset_limits()
            client = (client_of or app.test_client)()
            token = client.get("/api/csrf").get_json()["csrf_token"]
            response = client.post(
                "/api/auth/login", json={"phone": phone, "password": PASSWORD}, headers={"X-CSRFToken": token}
            )
            assert response.status_code == 200, response.get_data(as_text=True)
            return {"cookie": client.get_cookie("redgrid_session").value, "csrf": response.get_json()["csrf_token"]}

        def set(self, case, data, context):
            case.cookies = {**(case.cookies or {}), "redgrid_session": data["cookie"]}
            # Identity: werkzeug's test client would hand Schemathesis gzip'd bytes (flask-compress).
            case.headers = {**(case.headers or {}), "X-CSRFToken": data["csrf"], "Accept-Encoding": "identity"}

    return SignedIn


def _failures(stream, stats=None) -> list[str]:
    """One entry per distinct failure (operation, check, title), with a request that shows it."""
    found, seen = [], set()
    for event in stream:
        if stats is not None and isinstance(event, events.ScenarioFinished):
            stats[event.recorder.label] = stats.get(event.recorder.label, 0) + len(event.recorder.interactions)
        if isinstance(event, events.FatalError):
            raise event.exception
        if isinstance(event, events.NonFatalError):
            found.append(f"{event.label}: error {event.info.title}: {event.info.message}")
        if not isinstance(event, events.ScenarioFinished):
            continue
        for checks in event.recorder.checks.values():
            for check in checks:
                if check.status != Status.FAILURE or check.failure_info is None:
                    continue
                failure = check.failure_info.failure
                key = (event.recorder.label, check.name, failure.title)
                if key not in seen:
                    seen.add(key)
                    found.append(
                        f"{event.recorder.label}: {check.name}: {failure.title}: {failure.message[:400]}\n"
                        f"    {check.failure_info.code_sample[:700]}"
                    )
    return found


@pytest.mark.parametrize("role", list(ROLES))
def test_every_operation_answers_as_documented(app, world, role):
    failures = fuzz_operations(app, role)
    assert failures == [], f"{len(failures)} failures as {role}:\n" + "\n".join(failures)


def fuzz_operations(
    app, role: str, target=None, client_of=None, reset_limits=limiter.reset, examples: int = EXAMPLES
) -> list[str]:
    """Every operation as `role`, sent to `target` (a WSGI app: by default `app` itself; the scaled
    deployment's test passes one that forwards to the proxy); the distinct failures."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", target or app, config=_config(examples))
    schema.auth(refresh_interval=10**9, retry_on=[401])(_session_of(app, ROLES[role], client_of, reset_limits))
    schema = schema.exclude(path="/api/auth/logout")  # signing out would end the session the run holds
    stats = {}
    failures = _failures(schemathesis.engine.from_schema(schema).execute(), stats)
    if os.environ.get("FUZZ_STATS"):
        print(role, sum(stats.values()), sorted(stats.items(), key=lambda kv: -kv[1])[:8])
    return failures
