"""Streaming readers for import files: CSV (UTF-8, optional BOM, comma or semicolon) or the
first sheet of an XLSX workbook.

Rows are yielded one at a time as lists of strings, numbered as a spreadsheet shows them (the
header is row 1), so memory does not grow with the file and errors point at the row the user
sees.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO

ZIP_MAGIC = b"PK\x03\x04"
# A workbook's parts are XML, which compresses well, but not a thousandfold; and a logbook
# import, even of years of records, unpacks to far less than this. Past either limit the file
# is refused before anything is decompressed (a "zip bomb" would otherwise exhaust memory or
# time while the sheet is parsed). The declared sizes can be trusted: zipfile stops reading a
# part at its declared size and fails its checksum if more data follows.
XLSX_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
XLSX_MAX_RATIO = 200
XLSX_MAX_PARTS = 1000


class FileFormatError(ValueError):
    """The file cannot be read at all (not UTF-8 text, not a workbook, no header)."""


@dataclass(frozen=True)
class Source:
    """A file that can be opened more than once (validation and writing are two passes)."""

    name: str
    opener: Callable[[], IO[bytes]]

    @classmethod
    def from_path(cls, path: str | Path) -> Source:
        p = Path(path)
        return cls(p.name, lambda: p.open("rb"))

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> Source:
        # BytesIO over bytes shares the buffer until written to, so reopening copies nothing.
        return cls(name, lambda: io.BytesIO(data))


def _is_xlsx(stream: IO[bytes]) -> bool:
    head = stream.read(4)
    stream.seek(0)
    return head == ZIP_MAGIC


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).strip()


def sniff_delimiter(header_line: str) -> str:
    """Semicolon if the header has more semicolons than commas (Excel in a Vietnamese or
    European locale writes semicolons), else comma. Column names contain neither."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    with io.TextIOWrapper(stream, encoding="utf-8-sig", newline="") as text:
        yield from _csv_text_rows(text)


def _csv_text_rows(text: IO[str]) -> Iterator[tuple[int, list[str]]]:
    try:
        header_line = text.readline()
        if not header_line.strip():
            raise FileFormatError("empty")
        delimiter = sniff_delimiter(header_line)
        yield 1, [c.strip() for c in next(csv.reader([header_line], delimiter=delimiter))]
        row_no = 1
        for record in csv.reader(text, delimiter=delimiter):
            row_no += 1
            yield row_no, [c.strip() for c in record]
    except UnicodeDecodeError as exc:
        raise FileFormatError("encoding") from exc
    except csv.Error as exc:
        raise FileFormatError("csv") from exc


def check_zip_sizes(stream: IO[bytes]) -> None:
    """Refuse a zip whose declared sizes unpack to too much, before decompressing anything."""
    try:
        with zipfile.ZipFile(stream) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileFormatError("xlsx") from exc
    finally:
        stream.seek(0)
    if len(parts) > XLSX_MAX_PARTS:
        raise FileFormatError("unpacked_size")
    total = 0
    for part in parts:
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        if total > XLSX_MAX_UNPACKED_BYTES or (ratio > XLSX_MAX_RATIO
                                                and part.file_size > 1024 * 1024):
            raise FileFormatError("unpacked_size")


def _xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    check_zip_sizes(stream)
    try:
        wb = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileFormatError("xlsx") from exc
    try:
        if not wb.worksheets:
            raise FileFormatError("empty")
        ws = wb.worksheets[0]
        for row_no, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
            yield row_no, [_cell_text(v) for v in values]
    finally:
        wb.close()


def read_rows(source: Source) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells) for every row, the header first as row 1."""
    with source.opener() as stream:
        rows = _xlsx_rows(stream) if _is_xlsx(stream) else _csv_rows(stream)
        yield from rows
