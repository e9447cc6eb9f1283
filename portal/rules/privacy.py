"""Personal data inside free text: find and mask phone and resident ID numbers (A39, PIPL).

Pure: no Flask, no SQLAlchemy. Text is NFKC-normalised first, so full-width digits
(``１３８…``) are found like ASCII ones; every pattern then matches ASCII digits only.
A resident ID number (居民身份证号码, GB 11643) counts only with a valid check digit, so a
random 18-digit number (an order or account number) is left alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

MASK = "*"


class PersonalDataKind(StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    RESIDENT_ID = "resident_id"


# Digits that are not part of a longer run of digits.
_RESIDENT_ID = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])", re.ASCII)
# 13800000000, 138-0000-0000, 138 0000 0000, +86 138 0000 0000
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])", re.ASCII)
# 0476-8888888, (0476)88888888, 0476 8888 8888, 010-12345678-123
_LANDLINE = re.compile(
    r"(?<![0-9])(?:\(0[1-9][0-9]{1,2}\)|0[1-9][0-9]{1,2})[- ]?[1-9][0-9]{2,3}[- ]?[0-9]{4}"
    r"(?:-[0-9]{1,6})?(?![0-9])",
    re.ASCII,
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class Finding:
    kind: PersonalDataKind
    start: int
    end: int
    text: str

    @property
    def masked(self) -> str:
        return mask_digits(self.text, keep_head=3, keep_tail=4)


# Full-width punctuation of Chinese typography, which NFKC would turn into ASCII (，→ ,):
# kept as written. Everything else is NFKC-folded, so full-width letters, digits and markup
# characters (＜ｓｃｒｉｐｔ＞, １３９…) become what they really are before any check.
_CHINESE_PUNCTUATION = re.compile("([！（），：；？～…])")


def normalise(text: str) -> str:
    """NFKC, except for the full-width punctuation Chinese text is written with."""
    parts = _CHINESE_PUNCTUATION.split(text or "")
    return "".join(
        part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts)
    )


def resident_id_is_valid(value: str) -> bool:
    """GB 11643-1999: 17 digits and an ISO 7064 MOD 11-2 check character."""
    value = value.upper()
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def mask_digits(value: str, *, keep_head: int = 3, keep_tail: int = 4) -> str:
    """Replace the digits between the first ``keep_head`` and the last ``keep_tail`` digits
    (and an ID's check character) with ``*``; separators stay. ``13800000000`` -> ``138****0000``.
    """
    positions = [i for i, c in enumerate(value) if c.isascii() and (c.isdigit() or c in "Xx")]
    if len(positions) <= keep_head + keep_tail:
        keep_head, keep_tail = 1, 1
    hidden = set(positions[keep_head : len(positions) - keep_tail])
    return "".join(MASK if i in hidden else c for i, c in enumerate(value))


def find_personal_data(text: str) -> list[Finding]:
    """Phone and resident ID numbers in ``text`` (after NFKC), in order, without overlaps.

    The offsets refer to ``normalise(text)``.
    """
    text = normalise(text)
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for kind, pattern in (
        (PersonalDataKind.RESIDENT_ID, _RESIDENT_ID),
        (PersonalDataKind.MOBILE, _MOBILE),
        (PersonalDataKind.LANDLINE, _LANDLINE),
    ):
        for m in pattern.finditer(text):
            if kind is PersonalDataKind.RESIDENT_ID and not resident_id_is_valid(m.group()):
                continue
            if free(m.start(), m.end()):
                taken.append((m.start(), m.end()))
                found.append(Finding(kind, m.start(), m.end(), m.group()))
    return sorted(found, key=lambda f: f.start)


def mask_personal_data(text: str) -> str:
    """``text`` (NFKC-normalised) with every phone and resident ID number masked."""
    text = normalise(text)
    out, pos = [], 0
    for f in find_personal_data(text):
        out.append(text[pos : f.start])
        out.append(f.masked)
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def segments(text: str) -> list[tuple[str, PersonalDataKind | None]]:
    """``text`` cut into pieces; personal-data pieces are tagged with their kind (highlighting)."""
    text = normalise(text)
    out: list[tuple[str, PersonalDataKind | None]] = []
    pos = 0
    for f in find_personal_data(text):
        if f.start > pos:
            out.append((text[pos : f.start], None))
        out.append((f.text, f.kind))
        pos = f.end
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def mask_contact(value: str) -> str:
    """A contact shown to staff who do not need it in full: ``138****0000``, ``z***@example.cn``."""
    value = value or ""
    if "@" in value:
        local, _, domain = value.partition("@")
        return (local[:1] + "***@" + domain) if local else value
    return mask_digits(value, keep_head=3, keep_tail=4) if value else ""
