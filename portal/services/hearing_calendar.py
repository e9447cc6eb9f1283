"""An iCalendar (RFC 5545) file for one hearing: CRLF line ends, text escaped, lines folded at
75 octets without splitting a UTF-8 character."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from portal.models.hearing import Hearing
from portal.rules.hearings import HearingKind

DEFAULT_LENGTH = timedelta(hours=2)
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """RFC 5545 3.3.11: backslash, semicolon, comma and newlines in TEXT values."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """RFC 5545 3.1: lines longer than 75 octets continue on the next line after CRLF and one
    space; a multi-byte character is never split."""
    out: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1  # the leading space counts
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def icalendar(hearing: Hearing, *, url: str, host: str, now: datetime) -> str:
    end = hearing.ends_at or hearing.starts_at + DEFAULT_LENGTH
    kind = "座谈会 Symposium" if hearing.kind is HearingKind.SYMPOSIUM else "听证会 Hearing"
    description = "\n".join(
        part
        for part in (
            hearing.subject,
            f"{kind}: {hearing.decision.title}",
            hearing.contact_info,
            url,
        )
        if part
    )
    status = "CANCELLED" if hearing.cancelled_at else "CONFIRMED"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Decision Portal//Hearings//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:hearing-{hearing.id}@{host}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(hearing.starts_at)}",
        f"DTEND:{_stamp(end)}",
        f"SUMMARY:{escape_text(hearing.title)}",
        f"LOCATION:{escape_text(hearing.place)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        f"STATUS:{status}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
