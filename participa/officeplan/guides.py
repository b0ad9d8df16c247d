"""Public pages on residents' rights and on each mechanism, saved only as new versions.

Every save (and every restore of an older text) is a new `GuideVersion` with its author and
time; nothing is overwritten, so staff can read and bring back any earlier text.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.council.commit import commit, flush
from participa.extensions import db
from participa.officeplan.guide_texts import RIGHTS_SLUG, default_pages
from participa.officeplan.models import GuidePage, GuideVersion
from participa.processes.types import ProcessType

MAX_TITLE = 200
MAX_BODY = 20_000


def pages() -> list[GuidePage]:
    query = (
        db.select(GuidePage)
        .options(selectinload(GuidePage.versions))
        .order_by(GuidePage.position, GuidePage.id)
    )
    return [p for p in db.session.execute(query).scalars() if p.versions]


def by_slug(slug: str) -> GuidePage | None:
    page = db.session.execute(
        db.select(GuidePage).where(GuidePage.slug == slug)
    ).scalar_one_or_none()
    return page if page is not None and page.versions else None


def for_type(process_type: ProcessType) -> GuidePage | None:
    query = db.select(GuidePage).where(GuidePage.process_type == process_type.value)
    page = db.session.execute(query).scalar_one_or_none()
    return page if page is not None and page.versions else None


def rights_page() -> GuidePage | None:
    return by_slug(RIGHTS_SLUG)


def _add_version(page: GuidePage, title: str, body: str, author, now: datetime) -> GuideVersion:
    number = page.versions[-1].number + 1 if page.versions else 1
    version = GuideVersion(
        page_id=page.id,
        number=number,
        title=title,
        body=body,
        author_id=author.id if author else None,
        saved_at=now,
    )
    page.versions.append(version)
    return version


def save(actor, page: GuidePage, title: str, body: str, now: datetime) -> GuideVersion:
    title, body = title.strip(), body.strip()
    if not title or len(title) > MAX_TITLE:
        raise DomainError(_l("Write a title of at most 200 characters."), field="title")
    if not body or len(body) > MAX_BODY:
        raise DomainError(_l("Write the page's text (at most 20,000 characters)."), "body")
    current = page.current
    if (title, body) == (current.title, current.body):
        raise DomainError(_l("Nothing changed: the page already says this."), field="body")
    version = _add_version(page, title, body, actor, now)
    flush()
    record(actor, "officeplan.guide.save", page, version=version.number)
    commit()
    return version


def restore(actor, page: GuidePage, number: int, now: datetime) -> GuideVersion:
    """Bring back an older text as a new version (the history keeps every step)."""
    old = next((v for v in page.versions if v.number == number), None)
    if old is None:
        raise DomainError(_l("That version does not exist."))
    if old is page.current:
        raise DomainError(_l("That version is already the current one."))
    version = _add_version(page, old.title, old.body, actor, now)
    flush()
    record(actor, "officeplan.guide.restore", page, version=version.number, restored=number)
    commit()
    return version


def seed_defaults(now: datetime) -> int:
    """Create the pages that do not exist yet (one per mechanism, one on rights); how many."""
    existing = set(db.session.execute(db.select(GuidePage.slug)).scalars())
    made = 0
    for position, default in enumerate(default_pages()):
        if default.slug in existing:
            continue
        page = GuidePage(slug=default.slug, process_type=default.process_type, position=position)
        db.session.add(page)
        db.session.flush()
        _add_version(page, default.title, default.body, None, now)
        made += 1
    db.session.commit()
    return made
