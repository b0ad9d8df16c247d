# Copy to instance/config.py and adjust. Environment variables override these values
# (DATABASE_URL, SECRET_KEY, REDIS_URL, PUBLIC_URL, or any setting as PARTICIPA_<NAME>).
# A production server: docs/deploy.md (it puts these in an environment file instead).

MUNICIPALITY_NAME = "Municipio de Ejemplo, Jalisco"

# SQLite in this folder is the default. For PostgreSQL:
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://participa@127.0.0.1:5432/participa"

# Leave unset to have a random key generated into instance/secret_key on first start.
# Several instances (machines) must share one key: set it here or as SECRET_KEY.
# SECRET_KEY = "..."
# While changing it, the old key(s) here, then `flask rotate-keys` (docs/deploy.md):
# SECRET_KEY_FALLBACKS = ["the-old-key"]

# Production, behind nginx, with several gunicorn workers:
# PUBLIC_URL = "https://participa.example.mx"
# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"
# PROXY_FIX_X_FOR = 1

# Only for serving over plain HTTP on a host other than localhost (never in production):
# SESSION_COOKIE_SECURE = False
# REMEMBER_COOKIE_SECURE = False
