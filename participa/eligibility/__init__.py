"""Eligibility: rolls (padrón), matching residents to them, the verification desk, rules.

`person_key(process, user)` and `find_entries(query)` are the public entry points other
domains (the vote paths, the in-person channel) use.
"""

from participa.eligibility.keys import find_entries, person_key

__all__ = ["find_entries", "person_key"]
