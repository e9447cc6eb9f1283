"""Spreadsheet and document exports (CSV, XLSX, DOCX) shared by every back-office export.

Every cell goes through `neutralise`: a text cell starting with =, +, -, @, a tab or a carriage
return is what spreadsheet programs run as a formula ("CSV injection"), so it gets a leading
apostrophe, as OWASP recommends. Numbers and dates stay typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import Response

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | date | datetime | None

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def neutralise(value: Cell) -> Cell:
    """The value as a cell that no spreadsheet will evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class Sheet:
    """One table: a title (the XLSX sheet name), a header row and data rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Cell]] = field(default_factory=list)


def to_csv(sheet: Sheet) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in sheet.headers])
    for row in sheet.rows:
        writer.writerow([_text(neutralise(c)) for c in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    for sheet in sheets:
        # Sheet names: at most 31 characters, none of []:*?/\ .
        name = "".join(c for c in sheet.title if c not in "[]:*?/\\")[:31] or "Sheet"
        ws = workbook.create_sheet(name)
        ws.append([neutralise(h) for h in sheet.headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            values = []
            for value in row:
                value = neutralise(value)
                if isinstance(value, datetime) and value.tzinfo is not None:
                    value = value.replace(tzinfo=None)  # Excel has no time zones
                values.append(value)
            ws.append(values)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class DocSection:
    """A heading, paragraphs and an optional table, for DOCX reports."""

    heading: str
    paragraphs: Sequence[str] = ()
    table: Sheet | None = None


def to_docx(title: str, sections: Sequence[DocSection], subtitle: str = "") -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(title, level=0)
    if subtitle:
        document.add_paragraph(subtitle)
    for section in sections:
        document.add_heading(section.heading, level=1)
        for text in section.paragraphs:
            document.add_paragraph(text)
        if section.table is not None:
            rows = [list(r) for r in section.table.rows]
            table = document.add_table(rows=1 + len(rows), cols=len(section.table.headers))
            table.style = "Table Grid"
            for i, header in enumerate(section.table.headers):
                table.rows[0].cells[i].text = _text(header)
            for r, row in enumerate(rows, start=1):
                for i, value in enumerate(row):
                    table.rows[r].cells[i].text = _text(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def download(data: bytes, filename: str, kind: str) -> Response:
    """A download response; the file name may be Chinese (RFC 6266 filename*)."""
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or f"export.{kind}"
    response = Response(data, mimetype=MIMETYPES[kind])
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response
