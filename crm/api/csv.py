"""Lists as CSV: every filter of the list applies, all matching rows come, streamed; cells are made safe."""

import csv
import io
import json
from typing import TYPE_CHECKING, cast

from django.db import connections
from django.http import StreamingHttpResponse
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.renderers import BaseRenderer
from rest_framework.serializers import Serializer

from crm.datetimes import fast_datetimes
from crm.spreadsheet import CONTENT_TYPE, DIALECT, csv_safe

from .rows import RowEncoder
from .wire import camel

if TYPE_CHECKING:
    # What CsvListMixin is mixed into: checked as a list view, a plain class when it runs.
    from rest_framework.generics import ListAPIView as _ListViewBase
else:
    _ListViewBase = object


class CsvRenderer(BaseRenderer):
    """Lets a client ask for a list as CSV with `Accept: text/csv`; the rows are streamed by CsvListMixin."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only errors reach this renderer; lists are streamed before rendering. Errors stay problem details.
        return json.dumps(data).encode()


CSV_CHUNK_ROWS = 2000
CSV_WRITE_ROWS = 500


def _taken(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


class CsvListMixin(_ListViewBase):
    """Every filter of the list applies to its CSV; all matching rows come, streamed, without pagination."""

    csv_excluded_fields = ("contactpersonen", "vervolgacties")

    def csv_before_streaming(self, request, queryset) -> None:
        """Called before the first row goes out: a list of personal data records here who reads it."""

    def get_renderers(self):
        renderers = super().get_renderers()
        return [*renderers, CsvRenderer()] if getattr(self, "action", "list") == "list" else renderers

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format != "csv":
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        self.csv_before_streaming(request, queryset)
        serializer_class = cast(type[Serializer], self.get_serializer_class())  # a resource's, not a list serializer
        # One serializer for every row: building one per row (its fields deep-copied each time) took four fifths
        # of an export's time.
        serializer = serializer_class(context=self.get_serializer_context())
        encoder = RowEncoder.compile(serializer, queryset)
        if encoder is not None:
            # Plain rows, as a page of the list reads them (crm/api/rows.py); embedded lists stay out of a CSV.
            columns = list(encoder.keys)
            rows = encoder.values(queryset)

            def cells(row) -> list:
                return [csv_safe(value) for value in encoder.encode(row).values()]
        else:
            # The serializer's own loop (Serializer.to_representation) for the exported fields only, without the
            # dictionary it builds per row: the same cells.
            excluded = self.csv_excluded_fields
            fields = [field for field in serializer._readable_fields if field.field_name not in excluded]
            columns = [camel(str(field.field_name)) for field in fields]
            rows = queryset

            def cells(row) -> list:
                values: list = []
                for field in fields:
                    try:
                        attribute = field.get_attribute(row)
                    except SkipField:
                        values.append(None)
                        continue
                    empty = attribute.pk is None if isinstance(attribute, PKOnlyObject) else attribute is None
                    values.append(None if empty else csv_safe(field.to_representation(attribute)))
                return values

        def lines():
            buffer = io.StringIO()
            writer = csv.writer(buffer, dialect=DIALECT)
            writer.writerow(columns)
            yield _taken(buffer)
            # Rows come from a server-side cursor in chunks (prefetches are made per chunk), so a worker holds one
            # chunk at a time whatever the size of the export; a chunk goes out as one write.
            with fast_datetimes(connections[queryset.db]):
                for number, row in enumerate(rows.iterator(chunk_size=CSV_CHUNK_ROWS), start=1):
                    writer.writerow(cells(row))
                    if number % CSV_WRITE_ROWS == 0:
                        yield _taken(buffer)
            yield _taken(buffer)

        response = StreamingHttpResponse(lines(), content_type=CONTENT_TYPE)
        resource = request.path.rstrip("/").rsplit("/", 1)[-1]
        response["Content-Disposition"] = f'attachment; filename="{resource}.csv"'
        return response
