"""Fill empty zh_Hans_CN msgstr entries from translations/incoming/*.json.

Each JSON file maps an English msgid to its Chinese text (for plurals, a list of forms).
Run after `make i18n-update`; prints the msgids still untranslated and exits 1 if any remain.
Usage: .venv/bin/python scripts/i18n_fill.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def main() -> int:
    incoming: dict[str, object] = {}
    for path in sorted((ROOT / "translations" / "incoming").glob("*.json")):
        incoming.update(json.loads(path.read_text(encoding="utf-8")))
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh_Hans_CN")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        empty = not message.string or (
            isinstance(message.string, tuple) and not any(message.string)
        )
        if not empty and "fuzzy" not in message.flags:
            continue
        value = incoming.get(key)
        if value is None:
            missing.append(key)
            continue
        if isinstance(message.id, tuple):
            forms = value if isinstance(value, list) else [value]
            message.string = tuple(forms[:1])
        else:
            message.string = value if isinstance(value, str) else value[0]
        message.flags.discard("fuzzy")
    with PO.open("wb") as fh:
        write_po(fh, catalog, omit_header=False)
    for key in missing:
        print("untranslated:", key)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
