"""Downloadable template files: the header row and one fictional example row."""

from __future__ import annotations

import csv
import io

from caseapp.imports import vocab

TABLES = {
    "cases": (vocab.CASE_COLUMNS, vocab.CASE_EXAMPLE),
    "referrals": (vocab.REFERRAL_COLUMNS, vocab.REFERRAL_EXAMPLE),
}


def template_csv(table: str) -> bytes:
    columns, example = TABLES[table]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerow([example[c] for c in columns])
    # A BOM lets Excel open the file as UTF-8 (Vietnamese letters intact).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(table: str) -> bytes:
    from openpyxl import Workbook

    columns, example = TABLES[table]
    wb = Workbook()
    ws = wb.active
    ws.title = table
    ws.append(list(columns))
    ws.append([example[c] for c in columns])
    # Keep codes and dates as text so Excel does not reformat them.
    for row in ws.iter_rows():
        for cell in row:
            cell.number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
