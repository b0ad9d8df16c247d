"""A world with one of every object (the demo, plus what it lacks) and cheap resets.

The demo seed (`participa.demo.seed`) fills a database with processes of every mechanism,
ballots, projects, proposals, events, council sessions, works, pledges and findings. It is
seeded once per test session into a template file, with what the demo lacks (processes in
every status, a notice, a proposal its author may still edit, a second resident who owns
nothing). One app serves the tests of the session; `reset()` copies the template back (a
file copy: milliseconds) before each test and after each request that wrote something, so
nothing a request changed disturbs the next one. `snapshot()` fingerprints every row of
every table; `url_values()` fills a URL rule's arguments with the world's objects.
"""

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from participa.administration.models import Commitment
from participa.auth.models import Role, User
from participa.auth.reset import make_token
from participa.budgets.models import PbBallot, PbProject
from participa.collaboration import pledges
from participa.collaboration.models import Pledge
from participa.comments.models import Comment
from participa.consultations.models import Question
from participa.core import jobstore
from participa.core.jobstore import JobState
from participa.core.timeutil import local_today, utcnow
from participa.core.uploads import photo_folder
from participa.council import models as council
from participa.demo.seed import seed
from participa.eligibility.matching import claim
from participa.eligibility.models import PersonVerification, RollConflict, RollEntry
from participa.events import models as events
from participa.extensions import db
from participa.notifications.models import NoticeKind, Notification
from participa.officeplan import models as officeplan
from participa.oversight.models import Finding, WatchedWork
from participa.processes.models import Phase, Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.proposals.models import Proposal
from participa.proposals.services import ProposalData, create_proposal
from participa.social_councils import services as social_councils
from participa.social_councils.models import SocialCouncil, SocialCouncilMeeting
from participa.tables.models import PaperBatch, VotingTable
from participa.works import models as works
from tests.conftest import _make_app
from tests.factories import PASSWORD, Factories
from tests.proposals.helpers import pdf_bytes

HASH = "pbkdf2:sha256:1000"
DEMO_EMAILS = {
    Role.ADMIN: "admin@participa.local",
    Role.STAFF: "personal@participa.local",
    Role.COUNCIL: "consejo@participa.local",
    Role.CITIZEN: "vecina@participa.local",  # owns a proposal, findings and pledges
}
OTHER_RESIDENT = "otra.vecina@example.mx"  # a verified resident who owns nothing


@dataclass
class World:
    """The file of the seeded database, the ids of the accounts and of one object of each kind."""

    template: Path
    instance: Path  # the apps' instance folder: the uploaded files rows name live here
    users: dict[str, int] = field(default_factory=dict)  # "admin", ..., "other": user id
    ids: dict[str, int] = field(default_factory=dict)  # see world_ids()


def build_template(folder: Path) -> World:
    """Seed the demo into `folder`/world.db and return the world's description."""
    path = folder / "world.db"
    app = _make_app(f"sqlite:///{path}")
    world = World(template=path, instance=folder / "instance")
    app.instance_path = str(world.instance)  # not the real instance folder
    with app.app_context():
        seed(local_today(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])), 20, HASH)
        for role, email in DEMO_EMAILS.items():
            user = db.session.execute(db.select(User).filter_by(email=email)).scalar_one()
            user.password_hash = generate_password_hash(PASSWORD, method=HASH)
            world.users[role.value] = user.id
        db.session.commit()
        make = Factories()
        colonia = db.session.get(User, world.users["citizen"]).colonia
        world.users["other"] = make.user(Role.CITIZEN, colonia=colonia, email=OTHER_RESIDENT).id
        _extras(make, world, folder)
        world.ids |= world_ids(world)
        db.session.remove()
        db.engine.dispose()
    return world


def _extras(make: Factories, world: World, folder: Path) -> None:
    """What the demo lacks: processes in every status, a notice, a comment on a proposal,
    a social council's minutes as a PDF."""
    proposal = _first(db.select(Proposal).where(Proposal.author_id == world.users["citizen"]))
    # A proposal its author may still edit (nobody supported or answered it yet).
    world.ids["editable_proposal"] = create_proposal(
        proposal.process,
        db.session.get(User, world.users["citizen"]),
        ProposalData(
            "Bancas en la plaza", "Faltan bancas.", proposal.category, proposal.colonia_id
        ),
        [],
        folder,
        utcnow(),
    ).id
    db.session.add(
        Comment(
            thread_id=db.session.get(Proposal, world.ids["editable_proposal"]).thread_id,
            author_id=world.users["other"],
            body="¡Bien!",
        )
    )
    have = {p.status for p in db.session.execute(db.select(Process)).scalars()}
    for status in ProcessStatus:
        if status not in have:
            make.consultation(status, title=f"Consulta en estado {status.value}")
    db.session.add(
        Notification(
            audience="staff",
            kind=NoticeKind.AWAITING_MODERATION,
            subject="Una propuesta",
            link="/gestion/moderacion/",
        )
    )
    db.session.commit()
    _minutes_pdf(db.session.get(User, world.users["staff"]))


MINUTES_PDF = pdf_bytes()


def _minutes_pdf(staff: User) -> None:
    """A meeting of the demo's social council with its minutes as a PDF (a served file)."""
    council = _first(db.select(SocialCouncil).order_by(SocialCouncil.id))
    data = social_councils.MeetingData(
        local_today(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])), 9, "", MINUTES_PDF
    )
    folder = photo_folder(current_app.instance_path, social_councils.AREA)
    social_councils.record_meeting(staff, council, data, folder, data.held_on)


class WorldApp:
    """The app on a copy of the world, with `reset()`, `written()` and role clients."""

    def __init__(self, world: World, folder: Path):
        self.world = world
        self.path = folder / "test.db"
        shutil.copyfile(world.template, self.path)
        self.app = _make_app(f"sqlite:///{self.path}")
        self.app.instance_path = str(world.instance)
        with self.app.app_context():
            self.clean = snapshot()
            db.engine.dispose()

    def reset(self) -> None:
        """Put the template back: every row as the world was built."""
        db.session.remove()
        db.engine.dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.world.template, self.path)

    def written(self) -> list[str]:
        """The tables whose rows differ from the world's, then `reset()` if anything was.

        A commit appends to the WAL file, which `reset()` removes: while it is empty nothing
        was written and the (slower) comparison of every row is skipped.
        """
        wal = Path(f"{self.path}-wal")
        if not wal.exists() or wal.stat().st_size == 0:
            return []
        tables = changed(self.clean, snapshot())
        self.reset()
        return tables

    def user(self, key: str) -> User:
        return db.session.get(User, self.world.users[key])

    def client(self, key: str | None):
        """A test client logged in as `key` ("admin", "staff", "council", "citizen", "other")."""
        client = self.app.test_client()
        if key is not None:
            user = self.user(key)
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
                session["_fresh"] = True
        return client


def snapshot() -> dict[str, tuple[int, str]]:
    """Per table: its row count and a digest of its rows (in a stable order)."""
    db.session.expire_all()
    result = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in conn.execute(sa.select(table)))
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            result[table.name] = (len(rows), digest)
    return result


def changed(before: dict, after: dict) -> list[str]:
    """The tables whose rows differ between two snapshots."""
    return sorted(name for name in before if before[name] != after[name])


def process_of(type_: ProcessType, status: ProcessStatus | None = None) -> Process:
    query = db.select(Process).where(Process.type == type_).order_by(Process.id)
    if status is not None:
        query = query.where(Process.status == status)
    return db.session.execute(query).scalars().first()


# --- URLs built from the world's objects -------------------------------------------------

# Which process a blueprint's `process_id` names (events: the event's own process).
PROCESS_OF_BLUEPRINT = {
    "processes": "consultation",
    "manage": "consultation",
    "builder": "consultation",
    "consultations": "consultation",
    "results": "consultation_published",
    "pb_ballots": "budget",
    "pb_projects": "budget",
    "pb_review": "budget",
    "pb_voting": "budget",
    "pb_results": "budget",
    "pb_counting": "budget",
    "proposals": "proposals",
    "proposals_manage": "proposals",
    "oversight": "oversight",
    "oversight_manage": "oversight",
    "collaboration": "collaboration",
    "collaboration_manage": "collaboration",
    "eligibility": "consultation",
    "tables": "table_process",
    "table_batches": "table_process",
}
FILE_NAME = "0123456789abcdef0123456789abcdef.jpg"  # well formed; no such file (404 for all)


def _first(query):
    return db.session.execute(query.limit(1)).scalars().first()


def world_ids(world: World) -> dict[str, int]:
    """Ids of one object of each kind, chosen so that each page has something to show."""

    citizen = world.users["citizen"]
    ids = {
        "consultation": process_of(ProcessType.CONSULTA, ProcessStatus.OPEN).id,
        "consultation_published": process_of(
            ProcessType.CONSULTA, ProcessStatus.RESULTS_PUBLISHED
        ).id,
        "budget": process_of(ProcessType.PRESUPUESTO).id,
        "proposals": _first(db.select(Proposal.process_id).order_by(Proposal.id)),
        "oversight": process_of(ProcessType.AUDITORIA).id,
        "collaboration": process_of(ProcessType.COLABORACION).id,
    }
    finding = _first(db.select(Finding).where(Finding.author_id == citizen).order_by(Finding.id))
    ids |= {"finding": finding.id, "oversight_work": finding.work_id}
    owned = db.select(Pledge).where(Pledge.user_id == citizen).order_by(Pledge.id)
    pledge = next(p for p in db.session.execute(owned).scalars() if pledges.pending(p))
    ids |= {"pledge": pledge.id, "collaboration_work": pledge.work_id}
    assert db.session.get(WatchedWork, pledge.work_id).process_id == ids["collaboration"]
    proposal = db.session.get(Proposal, world.ids["editable_proposal"])
    ids["proposal"] = proposal.id
    ids["proposal_comment"] = _first(
        db.select(Comment.id).where(Comment.thread_id == proposal.thread_id)
    )
    ids["ballot"] = _first(db.select(PbBallot.id).order_by(PbBallot.id))
    # An ended export whose file is gone: its pages and download (410) answer staff only.
    ids["job"] = jobstore.insert_record(
        "export", "participa.core.exportfiles:expire", (), state=JobState.SUCCEEDED, result="a.csv"
    )
    ids["project"] = _first(db.select(PbProject.id).order_by(PbProject.id))
    ids["question"] = _first(
        db.select(Question.id).where(Question.process_id == ids["consultation"])
    )
    ids["phase"] = _first(db.select(Phase.id).where(Phase.process_id == ids["consultation"]))
    # One event with questions; its agreements, votes and comments may be another event's.
    question = _first(db.select(events.EventQuestion).order_by(events.EventQuestion.id))
    ids |= {"event": question.event_id, "event_question": question.id}
    ids["event_agreement"] = _first(db.select(events.EventAgreement.id))
    ids["event_vote"] = _first(db.select(events.HandVote.id))
    ids["event_comment"] = _first(
        db.select(Comment.id)
        .join(events.Event, events.Event.thread_id == Comment.thread_id)
        .order_by(Comment.id)
    )
    session = _first(db.select(council.CouncilSession).order_by(council.CouncilSession.id))
    ids["session"] = session.id
    ids["minutes_number"] = _first(
        db.select(council.MinutesVersion.number).where(
            council.MinutesVersion.session_id == session.id
        )
    )
    ids["agenda_item"] = _first(
        db.select(council.AgendaItem.id).where(council.AgendaItem.session_id == session.id)
    )
    ids["agreement"] = _first(db.select(council.Agreement.id).order_by(council.Agreement.id))
    ids["member"] = _first(db.select(council.CouncilMember.id).order_by(council.CouncilMember.id))
    ids["operation"] = _first(db.select(council.OperationRequest.id))
    ids["work"] = _first(db.select(works.Work.id).order_by(works.Work.id))
    ids["task"] = _first(db.select(works.WorkTask.id).order_by(works.WorkTask.id))
    round_ = _first(db.select(works.PrioritisationRound).order_by(works.PrioritisationRound.id))
    ids["round"] = round_.id
    ids["criterion"] = _first(
        db.select(works.RoundCriterion.id).where(works.RoundCriterion.round_id == round_.id)
    )
    draft_round = _first(
        db.select(works.PrioritisationRound).where(
            works.PrioritisationRound.status == works.RoundStatus.DRAFT
        )
    )
    ids["draft_round"] = draft_round.id
    ids["draft_criterion"] = _first(
        db.select(works.RoundCriterion.id).where(works.RoundCriterion.round_id == draft_round.id)
    )
    ids["draft_consultation"] = process_of(ProcessType.CONSULTA, ProcessStatus.DRAFT).id
    ids["draft_question"] = _first(
        db.select(Question.id).where(Question.process_id == ids["draft_consultation"])
    )
    ids["notice"] = _first(db.select(Notification.id))
    ids["colonia"] = db.session.get(User, citizen).colonia_id
    # The demo's in-person table, its paper batch, the roll's open conflict, a desk check.
    table = _first(db.select(VotingTable).order_by(VotingTable.id))
    ids |= {"table": table.id, "table_process": table.process_id}
    ids["batch"] = _first(db.select(PaperBatch.id).where(PaperBatch.table_id == table.id))
    if _first(db.select(RollConflict.id)) is None:  # the smaller demo may have none
        held = _first(db.select(RollEntry).where(RollEntry.user_id.is_not(None)))
        claim(held.id, held.roll_id, db.session.get(User, world.users["other"]), utcnow())
        db.session.commit()
    ids["conflict"] = _first(db.select(RollConflict.id).order_by(RollConflict.id))
    check = _first(db.select(PersonVerification).order_by(PersonVerification.id))
    ids |= {"verification": check.id, "verified_person": check.user_id}
    ids |= _office_ids()
    # The office's plan of the demo year, an activity with a link, a request to an office.
    ids["plan_year"] = _first(db.select(officeplan.WorkPlan.year))
    ids["plan_link"] = _first(
        db.select(officeplan.ActivityLink).order_by(officeplan.ActivityLink.id)
    ).id
    ids["activity"] = _first(
        db.select(officeplan.PlanActivity.id).order_by(officeplan.PlanActivity.id)
    )
    ids["office_request"] = _first(
        db.select(officeplan.OfficeRequest.id).order_by(officeplan.OfficeRequest.id)
    )
    assert all(value is not None for value in ids.values()), ids
    return ids


def _office_ids() -> dict[str, int]:
    """The demo's meeting with the administration and its commitment; the social council, a
    member and its meeting whose minutes are a PDF."""
    commitment = _first(db.select(Commitment).order_by(Commitment.id))
    council = _first(
        db.select(SocialCouncil)
        .join(SocialCouncilMeeting)
        .where(SocialCouncilMeeting.minutes_pdf.is_not(None))
    )
    return {
        "commitment": commitment.id,
        "administration_meeting": commitment.meeting_id,
        "social_council": council.id,
        "social_council_member": council.members[0].id,
        "social_council_meeting": next(m.id for m in council.meetings if m.minutes_pdf),
    }


def _event_of(model, object_id: int) -> int:
    return db.session.get(model, object_id).event_id


def url_values(rule, ids: dict[str, int], users: dict[str, int], secret_key: str) -> dict:
    """The values of `rule`'s arguments from the world; an unknown argument fails the test."""

    blueprint = rule.endpoint.split(".")[0]
    args = set(rule.arguments)
    values = {}
    event = ids["event"]
    if blueprint.startswith("events") and "agreement_id" in args:
        event = _event_of(events.EventAgreement, ids["event_agreement"])
    if blueprint.startswith("events") and "vote_id" in args:
        event = _event_of(events.HandVote, ids["event_vote"])
    if blueprint.startswith("events") and "comment_id" in args:
        thread = db.session.get(Comment, ids["event_comment"]).thread_id
        event = db.session.execute(
            db.select(events.Event.id).where(events.Event.thread_id == thread)
        ).scalar_one()
    in_events = blueprint.startswith("events")
    for name in sorted(args):
        if name == "process_id":
            if in_events:
                value = db.session.get(events.Event, event).process_id
            else:
                value = ids[PROCESS_OF_BLUEPRINT[blueprint]]
        elif name == "event_id":
            value = event
        elif name == "work_id":
            value = ids[
                {"oversight": "oversight_work", "oversight_manage": "oversight_work"}.get(
                    blueprint,
                    "collaboration_work" if blueprint.startswith("collaboration") else "work",
                )
            ]
        elif name == "question_id":
            value = ids["event_question" if in_events else "question"]
        elif name == "agreement_id":
            value = ids["event_agreement" if in_events else "agreement"]
        elif name == "comment_id":
            value = ids["event_comment" if in_events else "proposal_comment"]
        elif name == "user_id":
            value = ids["verified_person"] if blueprint == "eligibility" else users["other"]
        elif name == "n":
            value = 1
        elif name == "token":
            value = make_token(db.session.get(User, users["citizen"]), secret_key)
        elif name == "action":
            converter = rule._converters[name]
            items = getattr(converter, "items", None)
            value = sorted(items)[0] if items else "bloquear"
        elif name == "kind":
            value = "propuestas"
        elif name == "target_id":
            value = ids["proposal"]
        elif name == "status":
            value = "open"
        elif name == "name" and blueprint == "social_councils":
            value = db.session.get(SocialCouncilMeeting, ids["social_council_meeting"]).minutes_pdf
        elif name == "name":
            value = FILE_NAME
        elif name == "meeting_id" and blueprint.startswith("administration"):
            value = ids["administration_meeting"]
        elif name == "member_id" and blueprint == "social_councils":
            value = ids["social_council_member"]
        elif name == "request_id" and blueprint == "office_requests":
            value = ids["office_request"]
        elif name == "evidence_id":
            value = 1  # the world has no evidence file: 404 for whoever may ask
        elif name == "slug" and blueprint == "results":
            value = "presupuesto"  # a section page of the council dashboard
        elif name == "slug":
            value = "derechos"
        elif name == "fmt":
            value = "csv"
        elif name in SIMPLE:
            value = ids[SIMPLE[name]]
        else:
            raise AssertionError(
                f"{rule.rule}: no world object for argument {name!r}; add it to url_values"
            )
        values[name] = value
    return values


SIMPLE = {
    "job_id": "job",
    "ballot_id": "ballot",
    "project_id": "project",
    "proposal_id": "proposal",
    "pledge_id": "pledge",
    "finding_id": "finding",
    "phase_id": "phase",
    "session_id": "session",
    "number": "minutes_number",
    "item_id": "agenda_item",
    "member_id": "member",
    "request_id": "operation",
    "round_id": "round",
    "criterion_id": "criterion",
    "task_id": "task",
    "notice_id": "notice",
    "colonia_id": "colonia",
    "vote_id": "event_vote",
    "table_id": "table",
    "batch_id": "batch",
    "conflict_id": "conflict",
    "verification_id": "verification",
    "commitment_id": "commitment",
    "council_id": "social_council",
    "year": "plan_year",
    "activity_id": "activity",
    "link_id": "plan_link",
}
