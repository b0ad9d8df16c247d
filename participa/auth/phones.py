"""Mexican mobile numbers: read as people type them, stored in E.164 (+52 and ten digits)."""

import phonenumbers
from flask_babel import lazy_gettext as _l

from participa.core.errors import DomainError

REGION = "MX"


def normalise_phone(text: str, field: str = "phone") -> str:
    """`text` ("33 1234 5678", "+52 1 33 ...") as E.164; DomainError when it is not a
    valid Mexican number."""
    text = (text or "").strip()
    digits = "".join(c for c in text if c.isdigit())
    if text.startswith("+") and len(digits) == 13 and digits.startswith("521"):
        text = "+52" + digits[3:]  # the mobile "1" Mexico dropped in 2019, still often typed
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException as error:
        raise DomainError(_l("Write a phone number of 10 digits."), field=field) from error
    if number.country_code != 52 or not phonenumbers.is_valid_number(number):
        raise DomainError(_l("That is not a valid Mexican phone number."), field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(text: str) -> bool:
    """Whether a login name is a phone (digits, spaces, dashes, a +) rather than an e-mail."""
    return "@" not in (text or "") and any(c.isdigit() for c in text or "")
