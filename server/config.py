"""Settings from environment variables, with documented defaults (see README, "Configuration")."""

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from server.core.fields import compact_json
from server.push.endpoints import parse_hosts
from server.push.vapid import generate_private_key, public_key_of


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    return int(value) if value is not None else default


def env_float(name: str, default: float) -> float:
    value = env_str(name)
    return float(value) if value is not None else default


def instance_secret(instance_path: str, filename: str, make) -> str:
    """Read a secret from the instance folder, creating it (mode 0600) on first use."""
    path = Path(instance_path) / filename
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(value)
    return value


def check_tile_url(url: str | None) -> str | None:
    """An XYZ tile template: http(s), with {z}, {x} and {y}; anything else stops the start."""
    if url is None:
        return None
    if not url.startswith(("https://", "http://")) or not all(part in url for part in ("{z}", "{x}", "{y}")):
        raise ValueError("REDGRID_TILE_URL must be an http(s) URL with {z}, {x} and {y}")
    return url


def _in_memory(url: str) -> bool:
    """An SQLite database in memory (its pool is a single shared connection: no pool options),
    judged as SQLAlchemy parses the URL."""
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and (
        parsed.database in (None, "", ":memory:") or parsed.query.get("mode") == "memory"
    )


class Config:
    """Production defaults; every value can be set from the environment."""

    def __init__(self, instance_path: str):
        self.DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{Path(instance_path) / 'redgrid.sqlite3'}")
        self.SQLALCHEMY_DATABASE_URI = self.DATABASE_URL
        self.REDIS_URL = env_str("REDIS_URL")  # unset: embedded mode, one process
        self.SECRET_KEY = env_str("SECRET_KEY") or instance_secret(
            instance_path, "secret_key", lambda: secrets.token_urlsafe(48)
        )
        self.REDGRID_LOCALE = env_str("REDGRID_LOCALE", "zh-CN")
        # Cookies: HttpOnly and SameSite=Lax always; Secure when served over HTTPS
        # (set REDGRID_SECURE_COOKIES=1 behind TLS; plain http://127.0.0.1 needs it off).
        self.SESSION_COOKIE_NAME = "redgrid_session"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = env_bool("REDGRID_SECURE_COOKIES", False)
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.SESSION_DAYS = env_int("REDGRID_SESSION_DAYS", 30)
        self.PROXY_FIX = env_bool("REDGRID_PROXY_FIX", False)
        # Operations (server/core/observability.py, docs/OPERATIONS.md): one JSON line per request
        # on stderr; /metrics answers the loopback, or anyone sending this bearer token.
        self.REQUEST_LOG = env_bool("REDGRID_REQUEST_LOG", True)
        self.METRICS_TOKEN = env_str("REDGRID_METRICS_TOKEN")
        # CSRF tokens live as long as the session: a phone offline for a day must still sync.
        self.WTF_CSRF_TIME_LIMIT = None
        self.WTF_CSRF_SSL_STRICT = self.SESSION_COOKIE_SECURE
        self.LOGIN_RATE_LIMIT = env_str("REDGRID_LOGIN_RATE_LIMIT", "5 per minute")
        # Full phone numbers per signed-in user: a worker taps a few a day; a loop harvesting
        # the directory's numbers stops here (and is audited, server/org/routes.py).
        # Joining (PROTOCOL.md §19): new accounts per client address; invitation codes tried,
        # requests sent and password changes per account (a code's 50-bit MAC is never guessed
        # at this pace).
        self.JOIN_REGISTER_RATE_LIMIT = env_str("REDGRID_JOIN_REGISTER_RATE_LIMIT", "10 per hour")
        self.JOIN_RATE_LIMIT = env_str("REDGRID_JOIN_RATE_LIMIT", "10 per minute")
        self.PHONE_RATE_LIMIT = env_str("REDGRID_PHONE_RATE_LIMIT", "30 per minute")
        # Push subscriptions: subscribe, categories, unsubscribe together, per signed-in user (a
        # phone calls them a few times a day); pushsubscriptionchange per address (no session;
        # rare, but a push service rotating its subscriptions wakes many phones behind one NAT).
        self.PUSH_RATE_LIMIT = env_str("REDGRID_PUSH_RATE_LIMIT", "30 per minute")
        self.PUSH_CHANGE_RATE_LIMIT = env_str("REDGRID_PUSH_CHANGE_RATE_LIMIT", "30 per minute")
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        # The Redis pub/sub channel Socket.IO shares between processes (one per deployment).
        self.SOCKETIO_CHANNEL = env_str("REDGRID_SOCKETIO_CHANNEL", "redgrid-socketio")
        self.RATELIMIT_HEADERS_ENABLED = True
        # Redis unreachable: each process counts in memory meanwhile (Flask-Limiter's fallback),
        # so requests keep being answered, never a 500 (bench/faults/stop_redis.py).
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_SWALLOW_ERRORS = True
        # Argon2id parameters (RFC 9106 second recommended option: 64 MiB, t=3, p=4).
        self.ARGON2_TIME_COST = env_int("REDGRID_ARGON2_TIME_COST", 3)
        self.ARGON2_MEMORY_COST = env_int("REDGRID_ARGON2_MEMORY_KIB", 65536)
        self.API_TITLE = "Redgrid API"
        self.API_VERSION = "1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api"
        self.OPENAPI_JSON_PATH = "openapi.json"
        # JSON columns hold compact UTF-8 text (Chinese as is, not \u escapes): a third of the
        # size, and the pull sends the stored text of each record unchanged.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "json_serializer": compact_json}
        # The connection pool of each process. A request holds a connection from its first query
        # to its commit; a thread that finds them all taken waits at most DB_POOL_TIMEOUT seconds,
        # then is answered 503 `server_busy` with Retry-After (never a 500: server/api.py). A
        # process of 400 threads (Socket.IO connections hold most of them) needs few connections
        # but must not queue requests for half a minute (bench/load/field_day.py found 247 such 500s).
        if not _in_memory(self.DATABASE_URL):  # an in-memory SQLite database has a single connection
            self.SQLALCHEMY_ENGINE_OPTIONS |= {
                "pool_size": env_int("REDGRID_DB_POOL_SIZE", 10),
                "max_overflow": env_int("REDGRID_DB_POOL_OVERFLOW", 10),
                "pool_timeout": env_float("REDGRID_DB_POOL_TIMEOUT", 10.0),
            }
        self.PAGE_SIZE_MAX = 200
        # Response compression (Flask-Compress) for API JSON: gzip is what every phone browser
        # accepts, brotli where offered. The shell's files are precached once by the service
        # worker and stream from disk, so they are left alone.
        self.COMPRESS_ALGORITHM = ["br", "gzip"]
        self.COMPRESS_MIMETYPES = ["application/json"]
        self.COMPRESS_STREAMS = False  # files stream from disk untouched (and get closed)
        # A 1,000-task pull page (531 KB of JSON, bench/_sync_task.py records):
        # gzip 6 took 32 ms for 54.7 KB, gzip 3 4.3 ms for 63.8 KB (4 and 5 are zlib's slow lazy
        # matching again); brotli 5 15 ms for 54.2 KB, 4 9 ms for 61.7 KB. Phones that offer br
        # get the small pages; gzip (older clients, the bench's PouchDB comparison) the fast ones.
        self.COMPRESS_LEVEL = 3
        self.COMPRESS_BR_LEVEL = 5
        # Sync housekeeping (PROTOCOL.md §5.5, §6.4).
        self.SYNC_TOMBSTONE_DAYS = env_int("REDGRID_SYNC_TOMBSTONE_DAYS", 30)
        self.SYNC_RESULT_DAYS = env_int("REDGRID_SYNC_RESULT_DAYS", 90)
        # Any request body (PROTOCOL.md §9: 413 too_large, refused before it is read): a push of
        # MAX_BATCH mutations or a photo fits; an import raises its own bound (server/imports).
        self.MAX_CONTENT_LENGTH = env_int("REDGRID_MAX_BODY_BYTES", 16 << 20)
        # Photos (DESIGN.md §5). BLOB_DIR unset: <instance folder>/blobs, resolved when used.
        self.BLOB_DIR = env_str("REDGRID_BLOB_DIR")
        self.BLOB_MAX_BYTES = env_int("REDGRID_BLOB_MAX_BYTES", 10 * 1024 * 1024)
        self.BLOB_MAX_PIXELS = env_int("REDGRID_BLOB_MAX_PIXELS", 40_000_000)  # decoding ~160 MB at most
        self.BLOB_PARTIAL_TTL_HOURS = env_int("REDGRID_BLOB_PARTIAL_TTL_HOURS", 24)
        # Overdue rectification orders (server/inspections/escalation.py): to the street admins
        # this many hours after the deadline; `redgrid serve` checks every N minutes (0: never).
        self.INSPECTION_STREET_ESCALATION_HOURS = env_int("REDGRID_ESCALATION_STREET_HOURS", 72)
        self.INSPECTION_ESCALATE_EVERY_MINUTES = env_int("REDGRID_ESCALATE_EVERY_MINUTES", 5)
        # Web Push (server/push/): the VAPID key pair from the environment or the instance folder.

        self.VAPID_PRIVATE_KEY = env_str("REDGRID_VAPID_PRIVATE_KEY") or instance_secret(
            instance_path, "vapid_private_key", generate_private_key
        )
        self.VAPID_PUBLIC_KEY = public_key_of(self.VAPID_PRIVATE_KEY)
        given_public = env_str("REDGRID_VAPID_PUBLIC_KEY")
        if given_public and given_public.rstrip("=") != self.VAPID_PUBLIC_KEY:
            raise ValueError("REDGRID_VAPID_PUBLIC_KEY is not the public key of REDGRID_VAPID_PRIVATE_KEY")
        # Push services write here when pushes go wrong; Apple refuses localhost subjects.
        self.VAPID_SUBJECT = env_str("REDGRID_VAPID_SUBJECT", "mailto:admin@redgrid.invalid")
        # The only hosts pushes go to (https, port 443; "*.domain" for any subdomain): a subscription's
        # endpoint is a URL a resident hands us (server/push/endpoints.py).
        self.PUSH_ENDPOINT_HOSTS = parse_hosts(env_str("REDGRID_PUSH_ENDPOINT_HOSTS"))
        # Subscriptions with http:// endpoints on 127.0.0.1/localhost (the tests' stand-in push service).
        self.PUSH_ALLOW_INSECURE = env_bool("REDGRID_PUSH_ALLOW_INSECURE", False)
        self.PUSH_PAYLOAD_MAX_BYTES = env_int("REDGRID_PUSH_PAYLOAD_MAX_BYTES", 3072)  # DESIGN.md §6
        self.PUSH_MAX_ATTEMPTS = env_int("REDGRID_PUSH_MAX_ATTEMPTS", 4)
        self.PUSH_BACKOFF_SECONDS = env_float("REDGRID_PUSH_BACKOFF_SECONDS", 1.0)  # 1, 2, 4 s …
        self.PUSH_RETRY_MAX_WAIT = env_float("REDGRID_PUSH_RETRY_MAX_WAIT", 60.0)  # longer: give up, requeue
        self.PUSH_TIMEOUT_SECONDS = env_float("REDGRID_PUSH_TIMEOUT_SECONDS", 10.0)
        self.PUSH_WORKERS = env_int(
            "REDGRID_PUSH_WORKERS", 16
        )  # pushes in flight at once (and pooled connections per push host) per process
        # Alerts' fan-out (server/notices/fanout.py): "pool", "rq" or "inline"; unset: rq with REDIS_URL.
        self.ALERTS_FANOUT = env_str("REDGRID_ALERTS_FANOUT")
        self.ALERTS_QUEUE = env_str("REDGRID_ALERTS_QUEUE", "redgrid")  # the RQ queue's name
        self.ALERTS_FANOUT_WORKERS = env_int("REDGRID_ALERTS_FANOUT_WORKERS", 4)
        self.ALERTS_FANOUT_QUEUE = env_int("REDGRID_ALERTS_FANOUT_QUEUE", 1000)
        self.ALERTS_FANOUT_BLOCK_SECONDS = env_float("REDGRID_ALERTS_FANOUT_BLOCK_SECONDS", 30.0)
        # Scheduled alerts: `redgrid serve` releases those due every N seconds (0: never; cron
        # `redgrid alerts release` instead; release_due() in server/alerts/publishing.py).
        self.ALERTS_RELEASE_EVERY_SECONDS = env_int("REDGRID_ALERTS_RELEASE_EVERY_SECONDS", 30)
        # Web Push deliveries still queued this long after they were made (their fan-out job was
        # never queued: Redis down) are queued again every N seconds (0: never; server/notices/jobs.py).
        self.PUSH_SWEEP_EVERY_SECONDS = env_int("REDGRID_PUSH_SWEEP_EVERY_SECONDS", 60)
        self.PUSH_SWEEP_AFTER_SECONDS = env_int("REDGRID_PUSH_SWEEP_AFTER_SECONDS", 300)
        # Push deliveries past their TTL (or their alert's expiry) with no receipt: expired (server/alerts/expiry.py).
        self.ALERTS_EXPIRE_EVERY_SECONDS = env_int("REDGRID_ALERTS_EXPIRE_EVERY_SECONDS", 300)
        # Micro-wishes: claims past their deadline go back to the wall every N seconds (0: never;
        # cron `redgrid wishes release` instead; server/wishes/claims.py).
        self.WISHES_RELEASE_EVERY_SECONDS = env_int("REDGRID_WISHES_RELEASE_EVERY_SECONDS", 600)
        # Autumn reminders of the December evaluation (server/evaluation/reminders.py): once a
        # month per member at most, whatever this says; 0 turns the job off.
        self.EVALUATION_REMIND_EVERY_SECONDS = env_int("REDGRID_EVALUATION_REMIND_EVERY_SECONDS", 3600)
        # Residents' needs: missed response and resolution deadlines escalate every N seconds (0:
        # never; cron `redgrid needs escalate` instead; server/tasks/need_deadlines.py).
        self.NEEDS_CHECK_EVERY_SECONDS = env_int("REDGRID_NEEDS_CHECK_EVERY_SECONDS", 300)
        # Maps (issue 15): an XYZ tile server, e.g. https://tiles.example/{z}/{x}/{y}.png ({s}
        # for subdomains a, b, c). Unset: no map anywhere, the lists as they are. The page's CSP
        # lets images come from its origin only when set (server/web/routes.py).
        self.TILE_URL = check_tile_url(env_str("REDGRID_TILE_URL"))
        self.TILE_ATTRIBUTION = env_str("REDGRID_TILE_ATTRIBUTION", "")


class TestConfig(Config):
    """Same rules as production, cheaper password hashing so the suite stays quick."""

    def __init__(self, instance_path: str):
        super().__init__(instance_path)
        self.TESTING = True
        self.REQUEST_LOG = False  # tests of the log turn it on
        self.ARGON2_TIME_COST = 1
        self.ARGON2_MEMORY_COST = 1024
        self.INSPECTION_ESCALATE_EVERY_MINUTES = 0  # tests call escalate() with a set clock
        self.ALERTS_FANOUT = "inline"  # tests of the pool and of RQ set their mode
        self.ALERTS_RELEASE_EVERY_SECONDS = 0  # tests call release() with a set clock
        self.ALERTS_EXPIRE_EVERY_SECONDS = 0
        self.PUSH_SWEEP_EVERY_SECONDS = 0  # tests call sweep_queued() with a set clock
        self.WISHES_RELEASE_EVERY_SECONDS = 0  # tests call release_lapsed() with a set clock
        self.EVALUATION_REMIND_EVERY_SECONDS = 0  # tests call remind() with a set clock
        self.NEEDS_CHECK_EVERY_SECONDS = 0  # tests call escalate_overdue() with a set clock
