"""Accent- and case-insensitive text search over a stored, normalized column (docs/search.md).

A searchable model keeps `search_text`: its public text fields lowercased with the accents
taken off (NFKD, combining marks dropped), so "Semáforo", "SEMÁFORO" and "semaforo" are one
word, and so are "niño" and "nino" (a Spanish keyboard is not always at hand; "año" and
"ano" meet too, a price we accept). It is written in Python on every insert and update
(`before_flush` below) and backfilled by the migration, so both databases compare the same
text:

- SQLite: every word of the query must appear in the column (`LIKE '%word%'`, escaped), a
  trailing plural "s"/"es" dropped first ("semáforos" finds "semáforo"). A LIKE is a scan of
  the column: fine for thousands of rows.
- PostgreSQL: full-text search with the Spanish configuration over the same column, through
  a GIN index on `to_tsvector('spanish', search_text)`; each word is a prefix (`word:*`)
  after Spanish stemming, so "semáforos" and "semaf" find "semáforo". No `unaccent`
  extension is needed: the column and the query are already without accents. A word with
  other signs than letters and digits ("50%") must also appear as written (LIKE).
"""

import re
import unicodedata
from itertools import chain
from typing import ClassVar

from sqlalchemy import Index, Text, and_, event, false, func, inspect, literal_column, text
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from participa.extensions import db

MAX_TERMS = 8  # words of a query that count; more only make the query slower
CONFIG = "'spanish'::regconfig"
EDGE_SIGNS = "¿?¡!.,;:\"'()[]{}«»“”‘’"  # taken off the ends of a query's words
ALNUM = re.compile(r"[^\W_]+")


def normalize(value: str | None) -> str:
    """`value` lowercased, without accents (ñ becomes n), its spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def terms(query: str) -> list[str]:
    """The normalized words of `query` (edge punctuation off), each once, at most MAX_TERMS."""
    words = (word.strip(EDGE_SIGNS) for word in normalize(query).split())
    return list(dict.fromkeys(w for w in words if w))[:MAX_TERMS]


def singular(word: str) -> str:
    """A Spanish plural's stem for a substring match: "semaforos" → "semaforo"."""
    if len(word) > 4 and word.endswith("es"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s"):
        return word[:-1]
    return word


class Searchable:
    """A model with a `search_text` column kept from its public text fields `SEARCH_FIELDS`."""

    SEARCH_FIELDS: ClassVar[tuple[str, ...]] = ()

    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    @classmethod
    def search_text_of(cls, **values) -> str:
        """The column's value for these field values (for bulk UPDATEs, which skip flushes)."""
        return normalize(" ".join(str(values.get(name) or "") for name in cls.SEARCH_FIELDS))

    def composed_search_text(self) -> str:
        return type(self).search_text_of(**{f: getattr(self, f) for f in self.SEARCH_FIELDS})


def search_index(table: str) -> Index:
    """The GIN index of a table's full-text search, created on PostgreSQL only."""
    expression = text(f"to_tsvector({CONFIG}, search_text)")
    return Index(f"ix_{table}_search", expression, postgresql_using="gin").ddl_if(
        dialect="postgresql"
    )


def _changed(instance: Searchable) -> bool:
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in instance.SEARCH_FIELDS)


@event.listens_for(Session, "before_flush")
def _keep_search_text(session: Session, _context, _instances) -> None:
    for instance in chain(session.new, session.dirty):
        if not isinstance(instance, Searchable):
            continue
        if instance in session.new or _changed(instance):
            value = instance.composed_search_text()
            if instance.search_text != value:
                instance.search_text = value


PREFIX_MIN = 3  # letters a word needs before PostgreSQL matches it as a prefix


def on_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _vector(column):
    return func.to_tsvector(literal_column(CONFIG), column)


def _tsquery(words: list[str]):
    tokens = list(dict.fromkeys(chain.from_iterable(ALNUM.findall(w) for w in words)))
    if not tokens:
        return None
    # A word of one or two letters as a prefix would match nearly every row: it must be whole.
    terms = (f"{t}:*" if len(t) >= PREFIX_MIN else t for t in tokens)
    return func.to_tsquery(literal_column(CONFIG), " & ".join(terms))


def matching(column, words: list[str]) -> ColumnElement[bool]:
    """A condition: the normalized `column` holds every word of `words` (see the docstring)."""
    if not words:
        return false()
    if not on_postgres():
        return and_(*(column.contains(singular(w), autoescape=True) for w in words))
    literal = [w for w in words if not ALNUM.fullmatch(w)]  # "50%", "c/u": also as written
    query = _tsquery(words)
    found = [_vector(column).op("@@")(query)] if query is not None else []
    return and_(*found, *(column.contains(w, autoescape=True) for w in literal))


def relevance(column, words: list[str]):
    """An ORDER BY term, best first: full-text rank on PostgreSQL; else where the first word
    appears (search_text starts with the title, so a title match comes first)."""
    first = singular(words[0]) if words else ""
    if not on_postgres():
        return func.instr(column, first)
    query = _tsquery(words)
    if query is None:
        return func.strpos(column, first)
    return func.ts_rank(_vector(column), query).desc()
