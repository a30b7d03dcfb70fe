"""Merge translations from a JSON file {msgid: msgstr} into the Vietnamese catalog.

Usage: python -m caseapp.translations.fill FILE.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).parent / "vi" / "LC_MESSAGES" / "messages.po"


def main(path: str) -> None:
    mapping = json.loads(Path(path).read_text(encoding="utf-8"))
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    filled = 0
    for message in catalog:
        if message.id and message.id in mapping:
            message.string = mapping[message.id]
            message.flags.discard("fuzzy")
            filled += 1
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"filled {filled}; still untranslated {len(missing)}")
    for m in missing:
        print("  ", json.dumps(m, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
