"""Receipt codes: the shape people read aloud, and every character of the alphabet in use."""

import re
from collections import Counter

from participa.receipts.services import RECEIPT_ALPHABET, new_receipt_code, receipt_hash

CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


def test_codes_use_the_whole_alphabet_evenly():
    # One random byte picks a character by its low 5 bits: uniform only for 32 characters.
    assert len(set(RECEIPT_ALPHABET)) == len(RECEIPT_ALPHABET) == 32
    codes = [new_receipt_code() for _ in range(4000)]
    assert all(CODE.fullmatch(code) for code in codes)
    assert len(set(codes)) == len(codes)
    seen = Counter(ch for code in codes for ch in code.replace("-", ""))
    assert set(seen) == set(RECEIPT_ALPHABET)
    expected = 4000 * 12 / 32
    assert all(0.8 * expected < n < 1.2 * expected for n in seen.values()), seen


def test_a_code_typed_loosely_has_the_same_hash():
    code = new_receipt_code()
    assert receipt_hash(code.lower().replace("-", " ")) == receipt_hash(code)
