"""Start-up checks of a production server: settings that break with several workers."""

from collections.abc import Mapping

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"


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
    if config.get("PUBLIC_URL", DEFAULT_PUBLIC_URL).rstrip("/") == DEFAULT_PUBLIC_URL:
        warnings.append(
            "PUBLIC_URL is still the development default; links in e-mails (password reset) "
            "would point to it. Set PUBLIC_URL to the site's https:// address"
        )
    return warnings
