"""What comments plug into other domains: comments are reportable (moderation)."""

from flask_babel import lazy_gettext as _l

from participa.comments.models import Comment
from participa.comments.services import thread_location
from participa.core import richtext
from participa.moderation import registry
from participa.moderation.registry import Location, Reportable


def _locate(comment: Comment) -> Location:
    shown = thread_location(comment.thread_id)
    return Location(shown.process_id, f"{shown.link}#comentario-{comment.id}")


registry.register(
    Reportable(
        name="comment",
        model=Comment,
        path="comentarios",
        label=_l("Comment"),
        locate=_locate,
        subject=lambda comment: comment.body[:120],
        excerpt=lambda comment: richtext.plain(comment.body, 80),
    )
)
