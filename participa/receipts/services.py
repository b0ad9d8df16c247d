"""Receipt codes: made here for every kind of ballot, looked up through one registry.

A mechanism that stores secret ballots (consultations, PB ballots) stores only the code's
hash beside the ballot's content and registers a finder from its hooks.py, so `/recibos`
answers for every kind without knowing any of them.
"""

import hashlib
import secrets
from collections.abc import Callable

from participa.processes.models import Process

RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud without doubt

Finder = Callable[[str], Process | None]  # a receipt's hash -> the process it was cast in

_finders: list[Finder] = []


def new_receipt_code() -> str:
    """12 random characters of the alphabet (60 bits), as XXXX-XXXX-XXXX.

    The alphabet has 32 characters, so the low 5 bits of a random byte pick one uniformly:
    one call for random bytes instead of one per character (this runs in every vote).
    """
    raw = "".join(RECEIPT_ALPHABET[byte & 31] for byte in secrets.token_bytes(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def receipt_hash(code: str) -> str:
    """The stored form of a code: what a person types, without separators or case."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def register_finder(finder: Finder) -> Finder:
    """Register how one kind of ballot finds the process of a receipt's hash."""
    if finder not in _finders:
        _finders.append(finder)
    return finder


def find_receipt(code: str) -> Process | None:
    """The process whose ballots (of any kind) include the receipt `code`, or None."""
    digest = receipt_hash(code)
    return next((process for finder in _finders if (process := finder(digest))), None)
