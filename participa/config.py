"""Default settings: safe for production, no secrets.

Layering (later wins): these defaults -> `config.py` of the instance folder (`instance/`, or
PARTICIPA_INSTANCE_PATH) -> environment variables
(`DATABASE_URL`, `SECRET_KEY`, `REDIS_URL` for RATELIMIT_STORAGE_URI, `PUBLIC_URL`, `MAIL_*`,
`SMS_*`, and any
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

# The key of the audit chain's HMAC and of its checkpoints' signatures. None means: read
# instance/audit_key, generating it on first start. Kept out of the database on purpose:
# someone who can write the database but lacks this key cannot rewrite the log unseen. Back
# it up apart from the database (docs/deploy.md, "Backups"); the environment's AUDIT_KEY sets it.
AUDIT_KEY = None
# A signed checkpoint of the chain's tip is stored at least every this many events (and when a
# process closes or publishes its results, and on `flask audit-checkpoint`); /admin/bitacora
# checks the events since the latest one.
AUDIT_CHECKPOINT_EVERY = 100

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_SECURE = True
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
# Under `flask run` (make run), a request over plain HTTP gets its cookies without `Secure`, so
# `make run HOST=0.0.0.0` works from a phone on the LAN (participa/core/plainhttp.py); gunicorn
# (make serve) and HTTPS keep `Secure`. False keeps `Secure` on the development server too.
DEV_SERVER_PLAIN_COOKIES = True
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

# The process's umask, set at start: files the app or SQLite creates (the database and its
# -wal/-shm, uploads, the outbox, backups) are the owner's alone. None leaves it as it is.
INSTANCE_UMASK = 0o077

MAX_CONTENT_LENGTH = 8 * 1024 * 1024
# A roll file may be larger (200,000 lines: about 10 MB); only the roll import takes this much.
ROLL_UPLOAD_MAX = 64 * 1024 * 1024
# A GeoJSON of every colonia's boundary (INEGI's full detail for a city: about 10 MB).
COLONIA_BOUNDARIES_MAX = 24 * 1024 * 1024
MAX_TEXT_ANSWER_LENGTH = 2000

# Where latitudes and longitudes people type (proposals, findings) may fall: the municipality
# and its surroundings, checked by core/geo.py (this default covers the Guadalajara
# metropolitan area; set the real box per municipality).
MUNICIPALITY_BOUNDS = {"lat": (20.3, 21.1), "lon": (-103.8, -102.9)}
# Maps (Leaflet, docs/maps.md): the tile server and its attribution, OpenStreetMap's by default
# (its tile policy asks heavy users for their own server). The map opens on the middle of
# MUNICIPALITY_BOUNDS at MAP_ZOOM unless MAP_CENTER = (lat, lon) says otherwise.
MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
MAP_TILE_ATTRIBUTION = (
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap contributors</a>'
)
MAP_CENTER = None
MAP_ZOOM = 12
MAP_MAX_ZOOM = 19
# Markers on one map view at most (the filtered set, newest first); the page says when capped.
MAP_MARKERS_MAX = 300
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
RATELIMIT_COLONIA_AT = "60/minute;600/hour"  # the colonia of a point picked on a map, per IP
RATELIMIT_SEARCH = "30/minute;300/hour"  # the public search (/buscar), per IP address

# Password reset links: valid this many seconds, and only until the password changes.
PASSWORD_RESET_MAX_AGE = 3600
# E-mail over SMTP (Flask-Mailman; the environment variables of the same names set them).
# Without MAIL_SERVER every message is written to instance/outbox/ (MAIL_OUTBOX) as an .eml
# file and logged: development. A production server without it warns at start-up.
MAIL_SERVER = None
MAIL_PORT = 587
MAIL_USE_TLS = False  # STARTTLS on MAIL_PORT (587)
MAIL_USE_SSL = False  # TLS from the first byte (465)
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "Participa <no-responder@localhost>"
MAIL_TIMEOUT = 20  # seconds: a hung mail server must not hold a job forever
MAIL_OUTBOX = None  # None means instance/outbox
# SMS through a Twilio-compatible HTTP gateway (participa/core/sms.py). Without SMS_API_URL
# each SMS is written to the outbox folder as a .sms file and logged.
SMS_API_URL = None
SMS_ACCOUNT_SID = None
SMS_AUTH_TOKEN = None
SMS_FROM = None
SMS_TIMEOUT = 15
# Contact confirmation (participa/auth/contact.py): the e-mail link lives this many seconds,
# the SMS code this many; a resend is limited per account.
CONFIRM_EMAIL_MAX_AGE = 3 * 24 * 3600
PHONE_CODE_MAX_AGE = 15 * 60
PHONE_CODE_MAX_ATTEMPTS = 5
RATELIMIT_CONFIRM_RESEND = "3/hour"  # confirmation mails or SMS codes, per account
RATELIMIT_CONFIRM_CODE = "10/hour"  # SMS codes typed, per account
# The SMS password reset, per phone whatever the IP address: codes texted to one phone, and
# codes typed for it (every new code allows PHONE_CODE_MAX_ATTEMPTS wrong tries; this bounds
# the tries across codes: 20 a day of 10**6).
RATELIMIT_PER_PHONE = "5/hour;10/day"
RATELIMIT_CODES_PER_PHONE = "10/hour;20/day"
# The site's public address: links in e-mails are built on it, never on the Host header of
# the request (which anyone can set, to send a victim a genuine reset link to their site).
# None (development) builds links on the host and port the request came to; production sets
# it (start-up warns when it is missing).
PUBLIC_URL = None

# Roles that must set up two-factor login (TOTP) before any other page works: staff read rolls,
# CURPs and exports, the council unpublished results, admins everything. A comma-separated
# text or a list; "" requires it of nobody (PARTICIPA_REQUIRE_TOTP_ROLES=admin relaxes it to
# administrators). Residents never need it.
REQUIRE_TOTP_ROLES = "admin,staff,council"
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
JOBS_THREADS = 4  # without Redis: threads per process running the jobs in turn
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
# Event reminders (for tomorrow's events) and the daily digest of notices, as periodic jobs
# every this many seconds (0: never); both are safe to run again.
NOTICES_REMINDERS_EVERY = 3600
NOTICES_DIGEST_EVERY = 86400
# Exports larger than this many rows are prepared as a job for staff (a download link when
# ready); the file (instance/exports/, owner-only) is deleted after EXPORTS_KEEP seconds.
EXPORT_JOB_THRESHOLD = 20000
EXPORTS_KEEP = 86400
# Files uploaded for an import job (a roll, boundaries) that its job did not delete (its worker
# died): deleted after UPLOADS_KEEP seconds, checked as often.
UPLOADS_KEEP = 86400
# A PB count still "counting" after this many seconds is taken for stopped (its server
# process was restarted): staff may start it again.
PB_COUNT_STALE_AFTER = 900
