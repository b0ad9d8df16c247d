"""Mix the secret ballots of a process when voting closes, and on demand during voting.

Which rows are ballot content, and how they are grouped: a consultation's responses (with
their answers) by process, a PB ballot's votes (with their items) by ballot. The mixing itself
is `core.mixing.shuffle_rows`. It runs in the transaction that moves a consultation or a PB
process out of OPEN (registered in results/hooks.py), and from the command
`flask ballots-mix` (cli.py), which a cron job can run every few minutes while voting is open.
"""

from participa.budgets.models import PbBallot, PbVote, PbVoteItem
from participa.consultations.models import Answer, Response
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


def mix_process(process: Process) -> int:
    """Rewrite every ballot of `process` in random order; return how many (caller commits)."""
    return sum(MIXERS[c](process) for c in process.components if c in MIXERS)


def mixable_processes() -> list[Process]:
    """The processes whose ballots are being cast now (what a periodic mix should cover)."""
    query = db.select(Process).where(Process.status == ProcessStatus.OPEN).order_by(Process.id)
    return [p for p in db.session.scalars(query) if set(p.components) & set(MIXERS)]


def mix_on_close(actor, process: Process, before: ProcessStatus) -> None:
    """Mix the ballots of a process that has just closed (results/hooks.py registers it)."""
    if before is ProcessStatus.OPEN:
        mix_process(process)
