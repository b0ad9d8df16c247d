"""Default settings: safe for production, no secrets.

Layering (later wins): these defaults -> `instance/config.py` -> environment variables
(`DATABASE_URL`, `SECRET_KEY`, and any setting as `PARTICIPA_<NAME>`, JSON-parsed).
"""

from datetime import timedelta

MUNICIPALITY_NAME = "Municipio de Ejemplo, Jalisco"

# None means: sqlite in the instance folder (set in create_app, which knows that path).
SQLALCHEMY_DATABASE_URI = None
SQLALCHEMY_ENGINE_OPTIONS: dict = {}

# None means: read instance/secret_key, generating it on first start.
SECRET_KEY = None

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_SECURE = True
REMEMBER_COOKIE_HTTPONLY = True
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
