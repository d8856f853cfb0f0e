"""The CSV this product writes, for the spreadsheet programs its users open it in.

Dutch Excel and LibreOffice in the Dutch locale split a CSV line on `;`. A file written with `,` between its cells
leaves every `;` in a value unquoted, and the spreadsheet starts a new cell there, which can be a formula
(`Stichting;=HYPERLINK(…)`). So every CSV (the API's lists, survey results, admin's export) puts `;` between cells
and quotes every cell (csv.QUOTE_ALL): a separator, quote or line break inside a value stays inside its cell, for a
reader that splits on `;` as for one that reads the quotes. A cell that starts like a formula is neutralised apart
(csv_safe). Imports take `;` and `,` alike.

Loaded by settings (EXPORT_FORMATS), so it imports nothing of Django's that needs settings.
"""

import csv

from import_export.formats.base_formats import CSV


class SpreadsheetDialect(csv.excel):
    delimiter = ";"
    quoting = csv.QUOTE_ALL


DIALECT = SpreadsheetDialect
CONTENT_TYPE = "text/csv; charset=utf-8"
# A cell that starts with one of these is a formula to a spreadsheet (tab and carriage return go before one); a
# leading apostrophe keeps it text. Separators and quotes inside a cell are kept there by quoting.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    if type(value) is str:  # most cells: checked first, as this runs for every cell of an export
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class SpreadsheetCSV(CSV):
    """django-import-export's CSV with this product's dialect; an import finds out which separator its file uses."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(dataset, delimiter=DIALECT.delimiter, quoting=DIALECT.quoting, **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes) and self.encoding:
            in_stream = in_stream.decode(self.encoding)
        header = in_stream.lstrip("\ufeff").split("\n", 1)[0]
        delimiter = ";" if header.count(";") > header.count(",") else ","
        return super().create_dataset(in_stream, delimiter=delimiter, **kwargs)
