"""Merge translations from a JSON file {msgid: msgstr} into the Vietnamese catalog.

Usage: python -m caseapp.translations.fill FILE.json

For a plural entry the key is its singular msgid; Vietnamese has a single plural form, so the
value fills every msgstr[n] of the entry.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).parent / "vi" / "LC_MESSAGES" / "messages.po"


def _key(message) -> str:
    return message.id[0] if isinstance(message.id, (tuple, list)) else message.id


def _translated(message) -> bool:
    if isinstance(message.string, (tuple, list)):
        return all(message.string)
    return bool(message.string)


def main(path: str) -> None:
    mapping = json.loads(Path(path).read_text(encoding="utf-8"))
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    filled = 0
    for message in catalog:
        if not message.id or _key(message) not in mapping:
            continue
        value = mapping[_key(message)]
        if isinstance(message.id, (tuple, list)):
            message.string = tuple([value] * catalog.num_plurals)
        else:
            message.string = value
        message.flags.discard("fuzzy")
        filled += 1
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False)
    missing = [_key(m) for m in catalog if m.id and not _translated(m)]
    print(f"filled {filled}; still untranslated {len(missing)}")
    for m in missing:
        print("  ", json.dumps(m, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
