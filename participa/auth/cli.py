"""`flask rotate-keys`: two-factor secrets re-encrypted under the current SECRET_KEY."""

import click
from flask import current_app

from participa.auth import totp


@click.command("rotate-keys")
def rotate_keys() -> None:
    """Re-encrypt every two-factor secret still under an old key (SECRET_KEY_FALLBACKS)."""
    config = current_app.config
    rotation = totp.rotate_secrets(config["SECRET_KEY"], config["SECRET_KEY_FALLBACKS"])
    click.echo(
        f"Two-step login secrets: {rotation.rewritten} re-encrypted under the current key, "
        f"{rotation.current} already under it."
    )
    if rotation.unreadable:
        accounts = ", ".join(str(user_id) for user_id in rotation.unreadable)
        raise click.ClickException(
            f"{len(rotation.unreadable)} could not be read under SECRET_KEY or any of "
            f"SECRET_KEY_FALLBACKS (accounts {accounts}): add the key they were made with to "
            "the fallbacks and run this again, or reset their two-step login at /admin/usuarios."
        )
    click.echo(
        "Sessions signed with an old key stay valid while it is in SECRET_KEY_FALLBACKS: "
        "remove it after PERMANENT_SESSION_LIFETIME (8 hours by default)."
    )
