"""Mix the secret ballots of a process when voting closes, and on demand during voting.

Which rows are ballot content, and how they are grouped: a consultation's responses (with
their answers) by process, a PB ballot's votes (with their items) by ballot. The mixing itself
is `core.mixing.shuffle_rows`, which locks the content tables while it runs, so it never runs
inside a request: a background job mixes a consultation or a PB process once the transaction
that moves it out of OPEN commits (registered in results/hooks.py), and a periodic job mixes
every open process each BALLOTS_MIX_EVERY seconds while voting (no cron line: `flask worker`,
or the embedded fallback, runs it). `flask ballots-mix` (cli.py) does the same by hand.
"""

from participa.audit.services import record
from participa.budgets.models import PbBallot, PbVote, PbVoteItem
from participa.consultations.models import Answer, Response
from participa.core import jobs
from participa.core.mixing import Content, shuffle_rows
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import Component, ProcessStatus

RESPONSES = Content(Response.__table__, "process_id", ((Answer.__table__, "response_id"),))
PB_VOTES = Content(PbVote.__table__, "ballot_id", ((PbVoteItem.__table__, "vote_id"),))


def mix_responses(process: Process) -> int:
    return shuffle_rows(RESPONSES, process.id)


def mix_pb_votes(process: Process) -> int:
    query = db.select(PbBallot.id).where(PbBallot.process_id == process.id).order_by(PbBallot.id)
    return sum(shuffle_rows(PB_VOTES, ballot_id) for ballot_id in db.session.scalars(query))


MIXERS = {Component.QUESTIONNAIRE: mix_responses, Component.PB_BALLOT: mix_pb_votes}
MIX_LABEL = jobs.N_("Mixing of the secret ballots")


def mix_process(process: Process) -> int:
    """Rewrite every ballot of `process` in random order; return how many (caller commits)."""
    return sum(MIXERS[c](process) for c in process.components if c in MIXERS)


def mixable_processes() -> list[Process]:
    """The processes whose ballots are being cast now (what a periodic mix should cover)."""
    query = db.select(Process).where(Process.status == ProcessStatus.OPEN).order_by(Process.id)
    return [p for p in db.session.scalars(query) if set(p.components) & set(MIXERS)]


def mix_and_record(process: Process, via: str) -> int:
    """Mix one process's ballots in a transaction of their own (a vote waits at most one mix)."""
    mixed = mix_process(process)
    record(None, "ballots.mix", process, ballots=mixed, via=via)
    db.session.commit()
    return mixed


def mix_open(via: str) -> list[tuple[int, int]]:
    """Mix every open process, one at a time; (process id, ballots) of each."""
    return [(p.id, mix_and_record(p, via)) for p in mixable_processes()]


def mix_open_job() -> jobs.Outcome:
    """The periodic job (BALLOTS_MIX_EVERY) while voting is open."""
    mixed = mix_open("job")
    return jobs.Outcome(message=f"{len(mixed)} / {sum(count for _id, count in mixed)}")


def mix_closed(process_id: int) -> None:
    """The job started when a process closes: mix its ballots once more, for good."""
    if (process := db.session.get(Process, process_id)) is not None:
        mix_and_record(process, "close")


def mix_on_close(actor, process: Process, before: ProcessStatus) -> None:
    """Mix the ballots of a process that has just closed, after the commit (results/hooks.py)."""
    if before is ProcessStatus.OPEN:
        jobs.after_commit(
            f"ballots-mix-{process.id}",
            mix_closed,
            process.id,
            label=MIX_LABEL,
            subject=f"process:{process.id}",
        )
