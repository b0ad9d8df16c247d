"""Default settings: safe for production, no secrets.

Layering (later wins): these defaults -> `config.py` of the instance folder (`instance/`, or
PARTICIPA_INSTANCE_PATH) -> environment variables
(`DATABASE_URL`, `SECRET_KEY`, `REDIS_URL` for RATELIMIT_STORAGE_URI, `PUBLIC_URL`, and any
setting as `PARTICIPA_<NAME>`, JSON-parsed). docs/deploy.md shows a production set.
"""

from datetime import timedelta

MUNICIPALITY_NAME = "Municipio de Ejemplo, Jalisco"

# None means: sqlite in the instance folder (set in create_app, which knows that path).
SQLALCHEMY_DATABASE_URI = None
SQLALCHEMY_ENGINE_OPTIONS: dict = {}
# SQLite only: FULL syncs the WAL at every commit, so an acknowledged ballot survives a power
# cut, not only a killed process (NORMAL). Costs a few milliseconds per commit.
SQLITE_SYNCHRONOUS = "FULL"
# Added under SQLALCHEMY_ENGINE_OPTIONS (which wins) when the database is PostgreSQL. Each
# gunicorn worker process has its own pool: workers x (pool_size + max_overflow) per instance,
# summed over the instances, must stay under the server's max_connections (100 by default).
# pre_ping replaces a connection the server closed (restart, idle timeout) instead of failing a
# request; recycle closes connections older than half an hour.
POSTGRES_ENGINE_OPTIONS = {
    "pool_pre_ping": True,
    "pool_size": 5,
    "max_overflow": 5,
    "pool_timeout": 10,
    "pool_recycle": 1800,
}

# None means: read instance/secret_key, generating it on first start.
SECRET_KEY = None
# Earlier keys, still accepted while SECRET_KEY changes: sessions signed with them (Flask) and
# two-factor secrets encrypted under them (`flask rotate-keys`); docs/deploy.md, "Rotating".
SECRET_KEY_FALLBACKS: list[str] = []

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_SECURE = True
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
REMEMBER_COOKIE_DURATION = timedelta(days=14)

WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session; long forms must not expire

BABEL_DEFAULT_LOCALE = "es_MX"
BABEL_DEFAULT_TIMEZONE = "America/Mexico_City"
LANGUAGES = {"es_MX": "Español", "en": "English"}

# Werkzeug's password hash method; tests use a cheaper one.
PASSWORD_HASH_METHOD = "scrypt"

# Cache static files for a day; their URLs carry a version so a new release is fetched at once.
SEND_FILE_MAX_AGE_DEFAULT = timedelta(days=1)

MAX_CONTENT_LENGTH = 8 * 1024 * 1024
# A roll file may be larger (200,000 lines: about 10 MB); only the roll import takes this much.
ROLL_UPLOAD_MAX = 64 * 1024 * 1024
MAX_TEXT_ANSWER_LENGTH = 2000

# Where latitudes and longitudes people type (proposals, findings) may fall: the municipality
# and its surroundings, checked by core/geo.py (this default covers the Guadalajara
# metropolitan area; set the real box per municipality).
MUNICIPALITY_BOUNDS = {"lat": (20.3, 21.1), "lon": (-103.8, -102.9)}
# Distinct reports that hide a question, finding or comment pending review when its process
# has no proposal settings of its own (those set `reports_to_hide` per process).
REPORTS_TO_HIDE = 3
# Council (CMPC) quorum: more than this fraction of the current members must be present.
COUNCIL_QUORUM_FRACTION = 0.5

# Rate limits (Flask-Limiter syntax; several separated by ";"). Memory storage by default, which
# counts per process: with several workers set RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379"
# (or REDIS_URL); gunicorn warns at start-up when memory:// meets more than one worker.
RATELIMIT_ENABLED = True
# Limits per IP address need the client's address: behind a reverse proxy (nginx) set this to
# the number of proxies in front of the app, so X-Forwarded-For is trusted that far and no
# further; otherwise every resident would share the proxy's address and its limits.
PROXY_FIX_X_FOR = 0
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = False
RATELIMIT_LOGIN = "10/minute;50/hour"  # per IP address, and again per e-mail typed
RATELIMIT_LOGIN_CODE = "5/minute;20/hour"  # the second step (TOTP code), per account
RATELIMIT_REGISTER = "5/hour"  # per IP address
RATELIMIT_PASSWORD_RESET = "5/hour"  # per IP address, and again per e-mail typed
RATELIMIT_VOTE = "30/minute"  # ballots and supports, per account

# Password reset links: valid this many seconds, and only until the password changes.
PASSWORD_RESET_MAX_AGE = 3600
# How e-mail leaves: None writes each message to the log and to instance/outbox/ (there is no
# mail server yet); or a callable (to, subject, body) set in instance/config.py.
MAILER = None
MAIL_OUTBOX = None  # None means instance/outbox
# The site's public address: links in e-mails are built on it, never on the Host header of
# the request (which anyone can set, to send a victim a genuine reset link to their site).
PUBLIC_URL = "http://127.0.0.1:5000"

# Administrators must set up two-factor login (TOTP) before any /admin page works.
ADMIN_REQUIRE_TOTP = True
TOTP_ISSUER = "Participa"

# Operations (docs/deploy.md, "Logs, health and metrics"). Logging: the level, and "text" or
# "json" (one object per line, for a log collector); the environment's LOG_LEVEL and
# LOG_FORMAT set them. Prometheus metrics, off by default: when on, served on their own port of
# the loopback interface, never through the site (gunicorn's master adds up its workers').
LOG_LEVEL = "INFO"
LOG_FORMAT = "text"
METRICS_ENABLED = False
METRICS_ADDRESS = "127.0.0.1"
METRICS_PORT = 9464
# When Redis (the rate-limit storage) fails, count limits in each process's memory until it
# answers again, rather than refusing logins and ballots with an error.
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
# A Redis that hangs must not hang requests: give up connecting or reading after 2 s.
RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}


# Background work (participa.core.jobs, docs/deploy.md "Background jobs"): "rq" queues jobs
# on Redis for `flask worker`; "thread", the embedded fallback, runs each in a daemon thread of
# the server process that submitted it; "inline" runs it at once, in the caller's thread;
# "auto" is "rq" when JOBS_REDIS_URL (or the environment's REDIS_URL) is set, else "thread".
JOBS_MODE = "auto"
JOBS_REDIS_URL = None
JOBS_QUEUE = "participa"
JOBS_RETRIES = 2  # attempts after a failed one, JOBS_RETRY_BACKOFF seconds apart
JOBS_RETRY_BACKOFF = [10, 60, 300]
JOBS_STALE_AFTER = 900  # a job silent this long lost its worker: queued again
JOBS_TICK = 30  # seconds between two looks of the clock at periodic and stopped jobs
JOBS_TIMEOUT = 3600  # RQ stops an attempt running longer
JOBS_KEEP = 30 * 86400  # records of ended jobs are deleted after this many seconds
JOBS_PRUNE_EVERY = 86400
# Mix the secret ballots of open processes every this many seconds (0: only at close).
BALLOTS_MIX_EVERY = 600
# Exports larger than this many rows are prepared as a job for staff (a download link when
# ready); the file (instance/exports/, owner-only) is deleted after EXPORTS_KEEP seconds.
EXPORT_JOB_THRESHOLD = 20000
EXPORTS_KEEP = 86400
# A PB count still "counting" after this many seconds is taken for stopped (its server
# process was restarted): staff may start it again.
PB_COUNT_STALE_AFTER = 900
