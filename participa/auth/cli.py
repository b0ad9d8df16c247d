"""`flask rotate-keys`: two-factor secrets re-encrypted under the current SECRET_KEY."""

import click
from flask import current_app

from participa.auth import totp


@click.command("rotate-keys")
@click.option(
    "--old-key",
    envvar="OLD_SECRET_KEY",
    default="",
    show_envvar=True,
    help="A leaked key: read by this command only, never by the servers, so sessions signed "
    "with it stop working at once.",
)
@click.option("--ask-old-key", is_flag=True, help="Ask for the leaked key (typed, not shown).")
def rotate_keys(old_key: str, ask_old_key: bool) -> None:
    """Re-encrypt every two-factor secret still under an old key (SECRET_KEY_FALLBACKS)."""
    config = current_app.config
    if ask_old_key:
        old_key = click.prompt("Old (leaked) key", hide_input=True)
    old_keys = [*config["SECRET_KEY_FALLBACKS"], *([old_key] if old_key else [])]
    rotation = totp.rotate_secrets(config["SECRET_KEY"], old_keys)
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
