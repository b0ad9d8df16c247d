"""Writing comments and replies (one level deep) and reading a thread."""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from participa.comments.models import Comment, CommentThread, Position
from participa.core import signals
from participa.core.errors import DomainError
from participa.extensions import db
from participa.moderation.registry import Location

MAX_COMMENT = 2000
# Thread ids -> where their owner (a proposal, an event) shows each of those it owns, in one
# query per owner. Each owner's domain adds its lookup from its hooks.py: comments import none.
_thread_owners: list[Callable[[Collection[int]], dict[int, Location]]] = []


@dataclass(frozen=True)
class Entry:
    """A top-level comment and its replies, oldest first."""

    comment: Comment
    replies: list[Comment]


def new_thread(allows_positions: bool = False) -> CommentThread:
    thread = CommentThread(allows_positions=allows_positions)
    db.session.add(thread)
    return thread


def entries(thread: CommentThread) -> list[Entry]:
    comments = list(thread.comments)
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id is not None:
            replies.setdefault(comment.parent_id, []).append(comment)
    return [Entry(c, replies.get(c.id, [])) for c in comments if c.parent_id is None]


def register_thread_owner(lookup: Callable[[Collection[int]], dict[int, Location]]) -> None:
    _thread_owners.append(lookup)


def thread_locations(thread_ids: Collection[int]) -> dict[int, Location]:
    """Where each thread is shown (its owner's page), one query per kind of owner; a thread
    no owner shows is left out."""
    found: dict[int, Location] = {}
    wanted = set(thread_ids)
    for lookup in _thread_owners:
        if wanted - found.keys():
            found.update(lookup(wanted - found.keys()))
    return found


def thread_location(thread_id: int) -> Location:
    """Where a thread is shown: its owner's page."""
    if (found := thread_locations([thread_id]).get(thread_id)) is None:
        raise LookupError(f"No owner shows comment thread {thread_id}")
    return found


def comment_count(thread: CommentThread) -> int:
    return len(thread.comments)


def position_counts(thread: CommentThread) -> dict[Position, int]:
    """Visible comments per position (in favour, against, neutral); untagged ones not counted."""
    counts = dict.fromkeys(Position, 0)
    for comment in thread.comments:
        if comment.position is not None and comment.is_visible:
            counts[comment.position] += 1
    return counts


def add_comment(
    thread: CommentThread,
    author,
    body: str,
    now: datetime,
    parent_id: int | None = None,
    position: Position | None = None,
) -> Comment:
    """Store a comment, or a reply to a comment of the same thread (a reply's reply joins it),
    with an optional position where the thread allows positions."""
    if position is not None and not thread.allows_positions:
        raise DomainError(_l("This conversation does not take positions."), field="position")
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("Write your comment."), field="body")
    if len(body) > MAX_COMMENT:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_COMMENT), field="body")
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.thread_id != thread.id:
            raise DomainError(_l("The comment you reply to is not in this conversation."))
        if parent.parent_id is not None:
            parent = parent.parent  # replies stay one level deep
        if not parent.is_visible or not db.session.get(Comment, parent_id).is_visible:
            raise DomainError(_l("The comment you reply to is hidden and takes no replies."))
    comment = Comment(
        thread_id=thread.id,
        parent_id=parent.id if parent else None,
        author_id=author.id,
        body=body,
        created_at=now,
        position=position,
    )
    db.session.add(comment)
    if parent_id is not None:
        db.session.flush()
        replied = db.session.get(Comment, parent_id)
        signals.comment_replied.send(comment, parent=replied, now=now)
    db.session.commit()
    return comment
