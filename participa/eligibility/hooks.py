"""How eligibility plugs into the rest: the staff page of processes that take votes or
supports, and a new account's claim on the roll."""

from participa.core import signals, upload_limits
from participa.eligibility import keys, matching, rules
from participa.processes import components
from participa.processes.components import Panel
from participa.processes.types import Component


@components.on_manage(Component.QUESTIONNAIRE)
@components.on_manage(Component.PB_BALLOT)
@components.on_manage(Component.SUPPORTS)
def manage_panel(process) -> Panel:
    """Who may take part, and the roll that applies."""
    roll = keys.roll_for(process)
    return Panel(
        "eligibility/_manage_panel.html",
        {
            "process": process,
            "rule": rules.RULE_LABELS[keys.rule_for(process)],
            "roll": roll,
            "own": keys.own_roll(process) is not None,
            "size": rules.roll_size(roll),
        },
    )


@signals.process_created.connect
def default_rule(process, actor, **extra) -> None:
    """A new budget or consultation starts with "on the roll or verified in person"."""
    rules.set_default_rule(actor, process)


@signals.user_registered.connect
def claim_roll_entries(user, now, **extra) -> None:
    """On the roll by CURP from the first moment (its own commit: the account is stored)."""
    matching.match_user(user, now)


# A roll file is larger than other uploads (200,000 lines: about 10 MB).
upload_limits.allow_large("eligibility.roll", "ROLL_UPLOAD_MAX")
