"""Who may take part in a process: the per-process rule and the check the vote paths call."""

from flask_babel import lazy_gettext as _l

from participa.audit.services import record
from participa.auth.models import User
from participa.core.errors import DomainError
from participa.eligibility.desk import is_verified
from participa.eligibility.keys import RULES_CACHE, entry_of, roll_for, rule_for
from participa.eligibility.models import (
    ConflictStatus,
    EligibilityRule,
    ProcessEligibility,
    RollConflict,
    RollEntry,
)
from participa.eligibility.participants import Voter
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType

RULE_LABELS = {
    EligibilityRule.REGISTERED: _l("Registered residents with CURP and colonia"),
    EligibilityRule.ROLL: _l(
        "People on the eligibility roll (the process's own roll, otherwise the municipality's)"
    ),
    EligibilityRule.VERIFIED: _l("Residents verified in person at a verification desk"),
    EligibilityRule.ROLL_OR_VERIFIED: _l(
        "People on the eligibility roll, or residents verified in person at a verification desk"
    ),
}
# Processes whose vote decides something (a budget, a consultation's question) start with a
# rule that one person cannot pass twice with invented identities.
DECIDING_TYPES = frozenset({ProcessType.PRESUPUESTO, ProcessType.CONSULTA})
DECIDING_DEFAULT = EligibilityRule.ROLL_OR_VERIFIED
REGISTERED_WARNING = _l(
    "Warning: with “registered residents” anyone who opens an account may vote. An account "
    "needs only an e-mail address and a CURP that looks valid, and CURPs can be made up: one "
    "person with several e-mail addresses and invented CURPs can vote several times, and "
    "nothing can tell those votes apart afterwards. Use it only for a consultation that decides "
    "nothing; for budgets and binding consultations choose the roll or verification in person."
)
# Changing the rule while people vote would change their one-vote keys: only before opening.
EDITABLE_STATUSES = {ProcessStatus.DRAFT, ProcessStatus.PUBLISHED}

NOT_ON_ROLL = _l(
    "This process is only for people on the eligibility roll (padrón). If you are on it by "
    "your voter key or property-tax account, add it on your account page (“My account”); "
    "otherwise go to a verification desk of the participation office with an official ID."
)
UNDER_REVIEW = _l(
    "Your key on the eligibility roll is attached to another account: the participation office "
    "will review it. Go to a verification desk with an official ID to settle it sooner."
)
NOT_ON_ROLL_AT_TABLE = _l(
    "This person is not on the eligibility roll of this process: look them up by the key the "
    "roll has (CURP, voter key or property-tax account), or send them to the verification desk."
)
NOT_ON_ROLL_OR_VERIFIED = _l(
    "This process is for people on the eligibility roll (padrón) or verified in person. If you "
    "are on the roll by your voter key or property-tax account, add it on your account page "
    "(“My account”); otherwise go to a verification desk of the participation office with an "
    "official ID."
)
NOT_VERIFIED = _l(
    "This process is only for residents verified in person. Go to a verification desk of the "
    "participation office with an official ID; then you can take part from here."
)


def _has_open_conflict(user) -> bool:
    query = db.select(RollConflict.id).where(
        RollConflict.claimant_id == user.id, RollConflict.status == ConflictStatus.OPEN
    )
    return db.session.execute(query).first() is not None


def participation_problem(process, person):
    """Why the process's rule keeps `person` out, or None (the other checks are the caller's).

    A Voter looked up at a table (participa.tables.lookup) carries its roll key already and
    was seen in person with an ID, which is what verification means.
    """
    rule = rule_for(process)
    if rule is EligibilityRule.REGISTERED:
        return None
    if getattr(person, "in_person", False):
        if rule is EligibilityRule.ROLL and not person.voter_key.startswith("roll:"):
            return NOT_ON_ROLL_AT_TABLE
        return None
    user = person if isinstance(person, User) else db.session.get(User, person.user_id)
    if rule is EligibilityRule.ROLL_OR_VERIFIED:
        if _on_roll(process, person, user) or (user is not None and is_verified(user)):
            return None
        return _off_roll(user, NOT_ON_ROLL_OR_VERIFIED)
    if rule is EligibilityRule.ROLL and not _on_roll(process, person, user):
        return _off_roll(user, NOT_ON_ROLL)
    if rule is EligibilityRule.VERIFIED and (user is None or not is_verified(user)):
        return NOT_VERIFIED
    return None


def _off_roll(user, message):
    """`message`, unless the person's key on the roll is disputed: then say it is reviewed."""
    return UNDER_REVIEW if user is not None and _has_open_conflict(user) else message


def _on_roll(process, person, user) -> bool:
    # Under "on the roll" a Voter made from an account (participants.as_voter) already carries
    # its one-vote key, the roll entry's exactly when the process's roll has the account; under
    # "on the roll or verified" the key is the CURP, so the roll is asked.
    if isinstance(person, Voter) and person.voter_key.startswith("roll:"):
        return True
    if isinstance(person, Voter) and rule_for(process) is EligibilityRule.ROLL:
        return False
    return user is not None and entry_of(roll_for(process), user) is not None


def warns(process, rule: EligibilityRule) -> bool:
    """Whether choosing `rule` for `process` lets one person vote several times."""
    return rule is EligibilityRule.REGISTERED and process.type in DECIDING_TYPES


def set_default_rule(actor, process) -> None:
    """Give a new process that decides something the default rule (audited; caller commits)."""
    if process.type not in DECIDING_TYPES:
        return
    db.session.add(ProcessEligibility(process_id=process.id, rule=DECIDING_DEFAULT))
    db.session.info.pop(RULES_CACHE, None)
    record(actor, "eligibility.rule", process, rule=DECIDING_DEFAULT, default=True)


def save_rule(actor, process, rule: EligibilityRule) -> None:
    """Set who may take part in `process` (audited, with whether the staff member was warned
    that the rule lets one person vote several times); only before it opens."""
    if process.status not in EDITABLE_STATUSES:
        raise DomainError(
            _l("Who may take part can change only before the process opens."), field="rule"
        )
    if rule is EligibilityRule.ROLL and roll_for(process) is None:
        raise DomainError(
            _l("There is no roll yet: import the municipality's or this process's roll first."),
            field="rule",
        )
    setting = db.session.get(ProcessEligibility, process.id) or ProcessEligibility(
        process_id=process.id
    )
    setting.rule = rule
    db.session.add(setting)
    db.session.info.pop(RULES_CACHE, None)
    record(actor, "eligibility.rule", process, rule=rule, **_warned(process, rule))
    db.session.commit()


def _warned(process, rule) -> dict:
    return {"warned_several_votes_per_person": True} if warns(process, rule) else {}


def roll_size(roll) -> int:
    if roll is None:
        return 0
    query = db.select(db.func.count(RollEntry.id)).where(RollEntry.roll_id == roll.id)
    return db.session.execute(query).scalar_one()
