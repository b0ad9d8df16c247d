# Copy to instance/config.py and adjust. Environment variables override these values
# (DATABASE_URL, SECRET_KEY, or any setting as PARTICIPA_<NAME>).

MUNICIPALITY_NAME = "Municipio de Ejemplo, Jalisco"

# SQLite in this folder is the default. For PostgreSQL:
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://participa@127.0.0.1:5432/participa"

# Leave unset to have a random key generated into instance/secret_key on first start.
# SECRET_KEY = "..."

# Only for serving over plain HTTP on a host other than localhost (never in production):
# SESSION_COOKIE_SECURE = False
# REMEMBER_COOKIE_SECURE = False
