"""The keyed chain: every way someone with the database (but not the key) may alter the log
is reported, naming the event."""

import json

import pytest

from participa.audit.chain import GENESIS, event_digest
from participa.audit.models import KEYED, LEGACY, AuditEvent
from participa.audit.services import record
from participa.audit.verify import verify_chain
from participa.auth.models import Role
from participa.core.timeutil import utcnow
from participa.extensions import db
from tests.audit.conftest import execute, tamper


def kinds(report) -> set[tuple[str, int | None]]:
    return {(p.kind, p.event_id) for p in report.problems}


def test_empty_log_is_intact(app):
    report = verify_chain()
    assert (report.checked, report.intact) == (0, True)


def test_events_are_keyed_linked_and_numbered(chain):
    events = list(db.session.execute(db.select(AuditEvent).order_by(AuditEvent.seq)).scalars())
    assert events[0].prev_hash == GENESIS
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(e.scheme == KEYED for e in events)
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert json.loads(events[2].details) == {"text": "sin actor, con acentos: ñandú"}
    assert verify_chain().intact and verify_chain().checked == 5


@pytest.mark.parametrize(
    "columns",
    [
        {"details": '{"population": 1}'},
        {"action": "user.unblock"},
        {"object_id": "999"},
        {"at": "2020-01-01 00:00:00.000000"},
    ],
)
def test_changing_one_event_is_reported_at_that_event(chain, columns):
    tamper(chain[2], **columns)
    assert kinds(verify_chain()) == {("edited", chain[2])}


def test_changed_actor_is_reported(chain, make):
    other = make.user(Role.STAFF, email="personal@example.mx")
    tamper(chain[1], actor_id=other.id)
    assert kinds(verify_chain()) == {("edited", chain[1])}


def test_edit_and_rehash_of_every_later_event_without_the_key_is_reported(chain, app):
    """The attacker recomputes each later hash and link, with any key but the real one."""
    tamper(chain[1], details='{"after": "citizen"}')
    events = list(db.session.execute(db.select(AuditEvent).order_by(AuditEvent.seq)).scalars())
    prev = events[0].hash
    rewritten = []
    for event in events[1:]:
        event.prev_hash = prev
        prev = event_digest(event, b"a guess at the key")
        rewritten.append((event.id, event.prev_hash, prev))
    db.session.rollback()
    for event_id, prev_hash, new_hash in rewritten:
        tamper(event_id, prev_hash=prev_hash, hash=new_hash)
    assert kinds(verify_chain()) == {("edited", i) for i in chain[1:]}


def test_deleting_an_event_in_the_middle_is_reported_at_the_next(chain):
    execute("DELETE FROM audit_event WHERE id = :id", id=chain[2])
    report = verify_chain()
    assert kinds(report) == {("deleted", chain[3])}
    assert "positions 3-3" in report.problems[0].text


def test_reordering_events_is_reported(chain):
    """Swap two events' places in the chain: their keyed hashes cover the position."""
    tamper(chain[1], seq=-2)
    tamper(chain[2], seq=2)
    tamper(chain[1], seq=3)
    found = kinds(verify_chain())
    assert ("edited", chain[1]) in found and ("edited", chain[2]) in found
    assert ("reordered", chain[1]) in found


def test_an_unkeyed_event_after_keyed_ones_is_a_downgrade(chain):
    event = db.session.get(AuditEvent, chain[4])
    event.scheme = LEGACY
    legacy_hash = event_digest(event, b"")
    db.session.rollback()
    tamper(chain[4], scheme=LEGACY, hash=legacy_hash)
    assert kinds(verify_chain()) == {("downgrade", chain[4])}


def write_legacy_events(actor, count: int) -> None:
    """Events as the code before the key wrote them: a plain SHA-256 of the content."""
    prev = GENESIS
    for seq in range(1, count + 1):
        event = AuditEvent(
            at=utcnow().replace(microsecond=0),
            actor_id=actor.id,
            action="old.action",
            object_type="User",
            object_id=str(actor.id),
            details="{}",
            seq=seq,
            scheme=LEGACY,
            prev_hash=prev,
        )
        event.hash = prev = event_digest(event, b"")
        db.session.add(event)
    db.session.commit()


def test_a_legacy_chain_verifies_and_the_first_keyed_event_is_anchored_to_it(actor):
    write_legacy_events(actor, 2)
    record(actor, "new.action")
    db.session.commit()
    events = list(db.session.execute(db.select(AuditEvent).order_by(AuditEvent.seq)).scalars())
    assert [e.scheme for e in events] == [LEGACY, LEGACY, KEYED]
    assert events[2].prev_hash == events[1].hash and events[2].seq == 3
    assert verify_chain().intact
    tamper(events[0].id, details='{"x": 1}')
    assert kinds(verify_chain()) == {("edited", events[0].id)}


def test_rewriting_the_legacy_part_breaks_the_keyed_anchor(actor):
    """Someone rewrites an old event and recomputes the old hashes: no key needed for those,
    but the first keyed event holds the old tip under the key."""
    write_legacy_events(actor, 2)
    record(actor, "new.action")
    db.session.commit()
    first, second, keyed = db.session.execute(
        db.select(AuditEvent).order_by(AuditEvent.seq)
    ).scalars()
    first.details = '{"x": 1}'
    first.hash = event_digest(first, b"")
    second.prev_hash = first.hash
    second.hash = event_digest(second, b"")
    db.session.flush()
    keyed.prev_hash = second.hash
    db.session.commit()
    assert kinds(verify_chain()) == {("edited", keyed.id)}
