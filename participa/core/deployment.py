"""Start-up checks of a production server: settings that break with several workers, and
services (mail, SMS, the public address) left at their development fallbacks."""

from collections.abc import Mapping

LOOPBACK_HOSTS = ("http://127.0.0.1", "http://localhost", "http://[::1]")


def startup_warnings(config: Mapping, workers: int) -> list[str]:
    """What in these settings goes wrong when `workers` processes serve the app."""
    warnings = []
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if workers > 1 and config.get("RATELIMIT_ENABLED") and storage.startswith("memory://"):
        warnings.append(
            f"rate limits use memory:// with {workers} workers: each worker counts on its own, "
            "so every limit is multiplied by the number of workers (and instances). Set "
            "RATELIMIT_STORAGE_URI (or REDIS_URL) to a Redis server, e.g. redis://127.0.0.1:6379"
        )
    public_url = str(config.get("PUBLIC_URL") or "")
    if not public_url or public_url.startswith(LOOPBACK_HOSTS):
        warnings.append(
            "PUBLIC_URL is not set to the site's address; links in e-mails (confirmation, "
            "password reset) would follow the request's Host header or point to this machine. "
            "Set PUBLIC_URL to the site's https:// address"
        )
    if not config.get("MAIL_SERVER"):
        warnings.append(
            "MAIL_SERVER is not set: no e-mail leaves this server (confirmation links and "
            "password resets are written to the outbox folder). Set MAIL_SERVER, MAIL_PORT, "
            "MAIL_USERNAME, MAIL_PASSWORD and MAIL_DEFAULT_SENDER (docs/deploy.md)"
        )
    if not config.get("SMS_API_URL"):
        warnings.append(
            "SMS_API_URL is not set: no SMS leaves this server (residents registered by phone "
            "get no code). Set SMS_API_URL, SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM"
        )
    return warnings
