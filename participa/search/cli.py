"""`flask search-reindex`: rewrite the stored search text of every searchable row."""

import click

from participa.extensions import db
from participa.search.services import KINDS

BATCH = 500


def reindex(model) -> int:
    """Rewrite `model`'s search_text where it is not what its fields give; rows changed."""
    changed, last = 0, 0
    while True:
        query = db.select(model).where(model.id > last).order_by(model.id).limit(BATCH)
        rows = list(db.session.execute(query).scalars())
        if not rows:
            return changed
        for row in rows:
            value = row.composed_search_text()
            if row.search_text != value:
                row.search_text, changed = value, changed + 1
        last = rows[-1].id
        db.session.commit()
        db.session.expunge_all()  # a batch at a time in memory


@click.command("search-reindex")
def search_reindex() -> None:
    """Rewrite the search text of every row (after data was changed outside the app)."""
    for kind in KINDS:
        click.echo(f"{kind.model.__tablename__}: {reindex(kind.model)} rows rewritten")
