"""A minimal iCalendar (RFC 5545) file for one event, for people's phone calendars."""

from datetime import UTC, datetime

from participa.events.models import Event
from participa.territory.models import Colonia

PRODUCT = "-//Participa//Eventos//ES"


def _escape(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Fold lines longer than 75 octets, as the standard asks."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _location(event: Event, colonia: Colonia | None) -> str:
    place = ", ".join(part for part in (event.place, colonia.name if colonia else "") if part)
    return place or event.online_url


def vcalendar(event: Event, url: str, *, now: datetime) -> str:
    """The VCALENDAR text of `event`, linking back to its page at `url`."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:evento-{event.id}@participa",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(event.starts_at)}",
        f"DTEND:{_stamp(event.ends_at)}",
        f"SUMMARY:{_escape(event.title)}",
        f"LOCATION:{_escape(_location(event, event.colonia))}",
        f"DESCRIPTION:{_escape(event.process.title + chr(10) + url)}",
        f"URL:{url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
