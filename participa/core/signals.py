"""Domain events: what one domain announces and others may react to, without being imported.

The emitter sends; notifications, audit, aggregates or any later domain subscribe from their
own hooks.py (`@signal.connect`). Every receiver gets the sender (positional) and the keyword
arguments listed here. Signals sent inside a service's transaction (the default) reach the
receivers before the commit: a receiver may add rows to the session and must not commit, so
its work is stored or dropped with the service's. Signals marked "after commit" are sent once
the emitter's transaction is stored; a receiver of those commits its own work.
"""

from blinker import Namespace

_signals = Namespace()

user_registered = _signals.signal("user-registered")
# Sent by processes.services.create_process after the flush, before the commit, with `actor`:
# subscribers add the new process's default settings in the same transaction.
process_created = _signals.signal("process-created")
"""A resident created an account (after commit). Sender: the `User`. Keywords: `now`."""

process_status_changed = _signals.signal("process-status-changed")
"""A process moved along its lifecycle. Sender: the `Process` (already in its new status).
Keywords: `actor` (the staff `User`), `before` and `after` (`ProcessStatus`)."""

voting_opened = _signals.signal("voting-opened")
"""A process opened participation (answers, ballots). Sender: the `Process`. Keywords: `actor`."""

results_published = _signals.signal("results-published")
"""A process published its results. Sender: the `Process`. Keywords: `actor`."""

proposal_answered = _signals.signal("proposal-answered")
"""The office answered a proposal officially. Sender: the `Proposal`. Keywords: `actor`,
`answer` (the new answer version), `now`."""

proposal_threshold_reached = _signals.signal("proposal-threshold-reached")
"""A proposal reached its support threshold (exactly once, however many support at once).
Sender: the `Proposal` (its counters may be stale: read them again). Keywords: `title`, `link`
(its public page's path), `now`. Notifications tell the staff; residents tell the author."""

proposal_converted = _signals.signal("proposal-converted")
"""A proposal became a PB project or a council need/work (before commit). Sender: the
`Proposal`. Keywords: `actor`, `now`."""

comment_replied = _signals.signal("comment-replied")
"""Someone replied to a comment (before commit). Sender: the reply `Comment` (flushed). Keywords:
`parent` (the `Comment` replied to), `now`."""

work_status_changed = _signals.signal("work-status-changed")
"""A need or work changed status (by hand, or to priority by the council's approval). Sender:
the `Work`. Keywords: `actor`, `before` and `after` (`WorkStatus`)."""

ballot_cast = _signals.signal("ballot-cast")
"""A ballot was stored: a consultation's answers or a PB vote (after commit). Sender: what was
voted on, the consultation's `Process` or the `PbBallot`. Keywords: `mechanism`
("consultation" or "pb") and `channel` (`Channel`); nothing that tells who voted or what they
chose (ballot secrecy). Paper ballots typed in batches are not sent one by one."""

paper_ballots_committed = _signals.signal("paper-ballots-committed")
"""A batch of paper ballots was written as ballot content (before commit; also after voting
closed, while results are not published). Sender: the `Process`. Keywords: `pb_ballot_id`
(the PB ballot's id; None for a consultation), `now`."""
