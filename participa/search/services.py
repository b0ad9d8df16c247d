"""One search over what the public sees: processes, proposals, PB projects, events and works.

Each kind reads its own module's public condition (a search never shows what the public pages
would not) and matches the normalized `search_text` (participa/core/searchtext.py). Every read
is bounded: a few rows per kind on the overview, a page of one kind, counts up to COUNT_CAP.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from participa.budgets.models import PbBallot, PbProject
from participa.budgets.projects import public_filter as public_projects
from participa.core import searchtext
from participa.core.errors import DomainError
from participa.events.models import Event
from participa.events.services import public_filter as public_events
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.services import public_process_ids
from participa.processes.types import TYPE_LABELS
from participa.proposals.models import Proposal
from participa.proposals.services import public_filter as public_proposals
from participa.works.models import Work
from participa.works.published import public_filter as public_works

MAX_QUERY = 100  # characters
OVERVIEW = 5  # hits of each kind on the overview
PER_PAGE = 20  # hits of one kind on its own pages
COUNT_CAP = 1000  # counts stop here ("more than 1,000")


class BadQuery(DomainError):
    pass


@dataclass(frozen=True)
class Hit:
    title: str
    context: str  # what it belongs to: the process, the mechanism, the place
    endpoint: str
    values: dict


@dataclass(frozen=True)
class Kind:
    key: str  # in the URL: ?tipo=
    label: str
    model: type
    public: Callable
    hit: Callable[[object], Hit]
    options: tuple = ()


def _process_hit(p: Process) -> Hit:
    return Hit(p.title, str(TYPE_LABELS[p.type]), "processes.detail", {"process_id": p.id})


def _proposal_hit(p: Proposal) -> Hit:
    values = {"process_id": p.process_id, "proposal_id": p.id}
    return Hit(p.title, p.process.title, "proposals.detail", values)


def _project_hit(p: PbProject) -> Hit:
    values = {"process_id": p.ballot.process_id, "project_id": p.id}
    return Hit(p.title, p.ballot.process.title, "pb_projects.detail", values)


def _event_hit(e: Event) -> Hit:
    values = {"process_id": e.process_id, "event_id": e.id}
    return Hit(e.title, e.process.title, "events.detail", values)


def _work_hit(w: Work) -> Hit:
    zone = w.colonia or w.delegacion
    context = zone.name if zone else str(_l("The whole municipality"))
    return Hit(w.title, context, "works_public.public_work", {"work_id": w.id})


KINDS = (
    Kind(
        "procesos",
        _l("Processes"),
        Process,
        lambda: Process.id.in_(public_process_ids()),
        _process_hit,
    ),
    Kind(
        "propuestas",
        _l("Proposals"),
        Proposal,
        public_proposals,
        _proposal_hit,
        (selectinload(Proposal.process),),
    ),
    Kind(
        "proyectos",
        _l("Participatory budget projects"),
        PbProject,
        public_projects,
        _project_hit,
        (selectinload(PbProject.ballot).selectinload(PbBallot.process),),
    ),
    Kind("eventos", _l("Events"), Event, public_events, _event_hit, (selectinload(Event.process),)),
    Kind(
        "obras",
        _l("Public works"),
        Work,
        public_works,
        _work_hit,
        (selectinload(Work.colonia), selectinload(Work.delegacion)),
    ),
)
BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass(frozen=True)
class Group:
    kind: Kind
    total: int  # at most COUNT_CAP
    hits: list[Hit]
    more: bool  # hits beyond these

    @property
    def capped(self) -> bool:
        return self.total >= COUNT_CAP


def words_of(query: str) -> list[str]:
    """The words to look for; BadQuery when the query is too long or has nothing to find."""
    if len(query) > MAX_QUERY:
        raise BadQuery(_l("Type at most %(max)s characters to search.", max=MAX_QUERY), field="q")
    words = searchtext.terms(query)
    if not any(searchtext.ALNUM.search(w) for w in words):
        raise BadQuery(_l("Type at least one letter or number to search."), field="q")
    return words


def _condition(kind: Kind, words: list[str]):
    return kind.public() & searchtext.matching(kind.model.search_text, words)


def _count(kind: Kind, words: list[str]) -> int:
    ids = db.select(kind.model.id).where(_condition(kind, words)).limit(COUNT_CAP)
    return db.session.execute(db.select(db.func.count()).select_from(ids.subquery())).scalar()


def _hits(kind: Kind, words: list[str], offset: int, limit: int) -> tuple[list[Hit], bool]:
    query = (
        db.select(kind.model)
        .where(_condition(kind, words))
        .options(*kind.options)
        .order_by(searchtext.relevance(kind.model.search_text, words), kind.model.id.desc())
        .offset(offset)
        .limit(limit + 1)
    )
    found = list(db.session.execute(query).scalars())
    return [kind.hit(row) for row in found[:limit]], len(found) > limit


def overview(words: list[str]) -> list[Group]:
    """The first few hits of every kind, with each kind's count."""
    groups = []
    for kind in KINDS:
        hits, more = _hits(kind, words, 0, OVERVIEW)
        total = len(hits) if not more else _count(kind, words)
        groups.append(Group(kind, total, hits, more))
    return groups


def one_kind(kind: Kind, words: list[str], page: int) -> Group:
    """One page of one kind's hits, with its count."""
    hits, more = _hits(kind, words, (page - 1) * PER_PAGE, PER_PAGE)
    return Group(kind, _count(kind, words), hits, more)
