"""A list page's download: every row its filters and sort select, as CSV or Excel, streamed.

Each list declares its columns once (a header in the user's language and how to read the cell from a row, next to
the list's selector); a list view hands its filtered queryset here when its address asks `?format=csv` or
`?format=xlsx`, with the page's own filters and sort in the same address. Who may see what is settled by the
queryset the view passes, and a list of persons is recorded in the access audit by the view, before this runs.

Rows come from a server-side cursor in chunks (prefetches are made per chunk), as the API's CSV does: a download
costs the same number of queries for ten rows as for ten thousand, and a worker holds one chunk at a time.

CSV: UTF-8 with a byte order mark (so Excel reads it as UTF-8), `;` between cells in Dutch and `,` in English (what
a spreadsheet in that language splits on), every cell quoted, formula prefixes neutralised (crm/spreadsheet.py).

Excel: the workbook is written as XML straight into a streamed zip archive. openpyxl (installed for admin's import)
took 39 s for a write-only workbook of 100,000 rows here and sends nothing until the whole file is written; this
writer sends as it goes. Text is written as text cells, never as formulas, so a cell starting with `=` is shown and
not evaluated, and keeps its value.
"""

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.db import connections
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from crm.datetimes import fast_datetimes
from crm.spreadsheet import DIALECT, csv_safe

FORMAT_PARAMETER = "format"
CSV, XLSX = "csv", "xlsx"
CHUNK_ROWS = 2000
# A CSV goes out every this many rows; a workbook whenever this many compressed bytes are ready.
CSV_WRITE_ROWS = 500
XLSX_WRITE_BYTES = 64 * 1024
BYTE_ORDER_MARK = "\ufeff"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of a list's download: its header (translated when the file is written) and its cell for a row: text,
    a number, a date or date-time, yes/no, or None for an empty cell. When the cells are codes (a field's choices),
    `labels` names them: the file shows the label in the reader's language."""

    header: str
    value: Callable[[Any], Any]
    labels: Iterable[tuple[Any, str]] = ()

    def reader(self) -> Callable[[Any], Any]:
        """The cell of a row, labels translated once for the whole file: per row, as get_FOO_display() does, they
        took a third of a download's time."""
        if not self.labels:
            return self.value
        labels = {code: str(label) for code, label in self.labels}
        value = self.value
        return lambda row: labels.get(code, code) if (code := value(row)) is not None else None


def download_format(request) -> str | None:
    """The file a list's address asks for (`?format=csv` or `?format=xlsx`); None for the page itself."""
    requested = request.GET.get(FORMAT_PARAMETER)
    return requested if requested in (CSV, XLSX) else None


def list_download(request, *, rows: QuerySet, columns: Sequence[Column], title: str) -> StreamingHttpResponse:
    """Every row of `rows`, in its order, as the file `download_format` names; `title` names the file and sheet."""
    file_format = download_format(request)
    if file_format is None:
        raise ValueError("list_download needs ?format=csv or ?format=xlsx")
    # The language is settled now: the file is written after the view has returned, while it streams.
    language = translation.get_language() or "nl"
    headers = [str(column.header) for column in columns]
    readers = [column.reader() for column in columns]
    yes_no = (_("yes"), _("no"))
    if file_format == CSV:
        delimiter = ";" if language.startswith("nl") else ","
        content = _csv_lines(rows, readers, headers=headers, delimiter=delimiter, yes_no=yes_no, language=language)
        response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    else:
        sheet = _xlsx_parts(rows, readers, headers=headers, sheet_name=title, yes_no=yes_no, language=language)
        response = StreamingHttpResponse(sheet, content_type=XLSX_CONTENT_TYPE)
    filename = f"{slugify(title) or 'download'}-{timezone.localdate().isoformat()}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A list of today's data, for this user only.
    response["Cache-Control"] = "private, no-store"
    return response


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _csv_cell(value, yes_no: tuple[str, str]):
    if type(value) is str:  # most cells: checked first, as this runs for every cell
        return csv_safe(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no[0] if value else yes_no[1]
    if isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return csv_safe(value)


def _taken(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _csv_lines(rows: QuerySet, readers: list[Callable], *, headers, delimiter, yes_no, language) -> Iterator[str]:
    with translation.override(language):
        buffer = io.StringIO()
        buffer.write(BYTE_ORDER_MARK)
        writer = csv.writer(buffer, dialect=DIALECT, delimiter=delimiter)
        writer.writerow([csv_safe(header) for header in headers])
        yield _taken(buffer)
        with fast_datetimes(connections[rows.db]):
            for number, row in enumerate(rows.iterator(chunk_size=CHUNK_ROWS), start=1):
                writer.writerow([_csv_cell(read(row), yes_no) for read in readers])
                if number % CSV_WRITE_ROWS == 0:
                    yield _taken(buffer)
        yield _taken(buffer)


# --- Excel: the least a workbook needs (SpreadsheetML, ECMA-376), one sheet with a frozen header row.
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_PACKAGE}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPES}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_TYPES}.styles+xml"/>'
    "</Types>"
)
_PACKAGE_RELATIONS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELATIONS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELATIONS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Cell styles by position: 0 plain, 1 date, 2 date and time (written as ISO dates, read alike in both languages),
# 3 the header row in bold.
_DATE, _DATETIME, _HEADER = 1, 2, 3
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONS}"><sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"
# Characters XML 1.0 cannot hold; a workbook with one does not open.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CELL_TEXT_LIMIT = 32767  # what a cell of Excel holds
_SHEET_NAME_LIMIT = 31
_EPOCH = datetime(1899, 12, 30)  # day 0 of a spreadsheet's date serial numbers


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, remainder = divmod(index - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


def _text_cell(reference: str, text: str, style: str = "") -> str:
    text = _NOT_IN_XML.sub("", text)[:_CELL_TEXT_LIMIT]
    # A carriage return as a reference: XML readers turn a literal one into a line feed.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return f'<c r="{reference}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _xlsx_cell(reference: str, value, yes_no: tuple[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _text_cell(reference, yes_no[0] if value else yes_no[1])
    if isinstance(value, int | float | Decimal):
        return f'<c r="{reference}"><v>{value}</v></c>'
    if isinstance(value, datetime):
        serial = (_local(value).replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
        return f'<c r="{reference}" s="{_DATETIME}"><v>{serial:.6f}</v></c>'
    if isinstance(value, date):
        return f'<c r="{reference}" s="{_DATE}"><v>{(value - _EPOCH.date()).days}</v></c>'
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    return _text_cell(reference, str(value))


def _workbook(sheet_name: str) -> str:
    # A sheet's name holds none of []:*?/\, no more than 31 characters, and does not start or end with an apostrophe.
    name = (
        re.sub(r"[\[\]:*?/\\]", " ", _NOT_IN_XML.sub("", sheet_name)).strip(" '")[:_SHEET_NAME_LIMIT].rstrip(" '")
        or "1"
    )
    name = escape(name, {'"': "&quot;"})
    return (
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONS}">'
        f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


class _Outbox(io.RawIOBase):
    """Where the zip archive writes: the bytes wait here until the response takes them. Not seekable, so zipfile
    writes each part's sizes after its data, as it does for any stream."""

    def __init__(self) -> None:
        self.pending = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.pending += data
        return len(data)

    def taken(self) -> bytes:
        data = bytes(self.pending)
        self.pending.clear()
        return data


def _xlsx_parts(rows: QuerySet, readers: list[Callable], *, headers, sheet_name, yes_no, language) -> Iterator[bytes]:
    letters = _column_letters(len(readers))
    outbox = _Outbox()
    with translation.override(language), zipfile.ZipFile(outbox, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _PACKAGE_RELATIONS)
        archive.writestr("xl/workbook.xml", _workbook(sheet_name))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELATIONS)
        archive.writestr("xl/styles.xml", _STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            header_cells = "".join(
                _text_cell(f"{letter}1", header, f' s="{_HEADER}"')
                for letter, header in zip(letters, headers, strict=True)
            )
            sheet.write(f'{_SHEET_START}<row r="1">{header_cells}</row>'.encode())
            with fast_datetimes(connections[rows.db]):
                for number, row in enumerate(rows.iterator(chunk_size=CHUNK_ROWS), start=2):
                    cells = "".join(
                        _xlsx_cell(f"{letter}{number}", read(row), yes_no)
                        for letter, read in zip(letters, readers, strict=True)
                    )
                    sheet.write(f'<row r="{number}">{cells}</row>'.encode())
                    if len(outbox.pending) >= XLSX_WRITE_BYTES:
                        yield outbox.taken()
            sheet.write(_SHEET_END.encode())
    yield outbox.taken()
