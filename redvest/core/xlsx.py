"""A streaming xlsx file of one sheet, written straight as SpreadsheetML into a zip: the exports' Excel path.

openpyxl (even write-only) and XlsxWriter (`constant_memory`) build an object or a dispatch per cell and
spend most of a 100,000-row export there (bench/README.md, part 12: openpyxl 57× a bare CSV of the same
table, XlsxWriter half of that). Here a row is one formatted string: text cells are inline strings
(no shared-string table, so memory stays flat), numbers and booleans typed, dates real dates with a
date format; four cell styles (bold for the header, Excel's quote prefix for text that must stay text,
date, date-time). The sheet's XML is deflated into the zip as it is written, a few hundred rows at a
time. The values arrive cleaned by `core.excel.cell_value` (no characters XML cannot hold).
"""

from __future__ import annotations

import datetime
import math
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from django.utils import timezone

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAX_TITLE = 31
TITLE_FORBIDDEN = str.maketrans("", "", "[]:*?/\\")
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_SPACE = frozenset(" \t\n\r")
_PRESERVE = ' xml:space="preserve"'
_EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0 (1900 date system, after its 1900-02-29 bug)
BUFFER_ROWS = 256  # rows joined before one write into the deflater
COMPRESS_LEVEL = 1  # the sheet is mostly repeated markup: level 1 is 2–3× faster than 6 for ~10 % more bytes

# Cell styles (index into cellXfs): kind × 2 + bold. Kinds: 0 general, 1 text kept as text (quote
# prefix), 2 date, 3 date and time.
TEXT, DATE, DATETIME = 1, 2, 3
_NUMFMT = {0: 0, TEXT: 0, DATE: 164, DATETIME: 165}


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_title(title: str) -> str:
    """A valid sheet name: without the characters Excel forbids, at most 31 characters."""
    return title.translate(TITLE_FORBIDDEN).strip("'")[:MAX_TITLE] or "Sheet1"


def _styles() -> str:
    xfs = []
    for kind in (0, TEXT, DATE, DATETIME):
        for bold in (0, 1):
            numfmt = _NUMFMT[kind]
            extra = ' applyNumberFormat="1"' if numfmt else ""
            extra += ' applyFont="1"' if bold else ""
            extra += ' quotePrefix="1"' if kind == TEXT else ""
            xfs.append(f'<xf numFmtId="{numfmt}" fontId="{bold}" fillId="0" borderId="0" xfId="0"{extra}/>')
    font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
    return (
        f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
        f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def _package_parts(title: str) -> dict[str, str]:
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return {
        "[Content_Types].xml": (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{sheet_type}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet_type}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{sheet_type}.styles+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView/></bookViews>'
            f'<sheets><sheet name={quoteattr(sheet_title(title))} sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": _styles(),
    }


def _serial(value: datetime.date) -> str:
    """A date or a datetime as Excel's day number (a datetime in Shanghai time when aware)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        delta = value - datetime.datetime.combine(_EPOCH, datetime.time.min)
        return repr(round(delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000, 10))
    return str((value - _EPOCH).days)


class XlsxStream:
    """One sheet streamed into an xlsx file at `target` (a path or a binary file). `append` takes a row of
    cleaned values and whether it must stay text per value; `close` finishes the file."""

    def __init__(self, target: str | IO[bytes], *, title: str, widths: Sequence[int] = ()) -> None:
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)
        for name, content in _package_parts(title).items():
            self.zip.writestr(name, content)
        self.sheet = self.zip.open("xl/worksheets/sheet1.xml", "w")
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1))
        self.sheet.write(
            (
                f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
                + (f"<cols>{cols}</cols>" if cols else "")
                + "<sheetData>"
            ).encode()
        )
        self.letters: list[str] = []
        self.row = 0
        self.pending: list[str] = []

    def _letters(self, count: int) -> list[str]:
        while len(self.letters) < count:
            self.letters.append(column_letter(len(self.letters) + 1))
        return self.letters

    def append(self, values: Iterable[tuple[Any, bool]], *, bold: bool = False) -> None:
        """A row of (value, keep as text) pairs; None and "" leave the cell empty."""
        self.row += 1
        n = str(self.row)
        cells: list[str] = []
        add = cells.append
        letters = self.letters
        plain = ' s="1"' if bold else ""
        quoted = f' s="{TEXT * 2 + bold}"'
        for index, (value, as_text) in enumerate(values):
            if index >= len(letters):
                letters = self._letters(index + 1)
            if type(value) is str:  # nearly every cell: tested first, escaped only when it must be
                if not value:
                    continue
                if "&" in value or "<" in value or ">" in value:
                    value = value.translate(_ESCAPE)
                space = _PRESERVE if value[0] in _SPACE or value[-1] in _SPACE else ""
                add(
                    f'<c r="{letters[index]}{n}"{quoted if as_text else plain} t="inlineStr"><is><t{space}>{value}</t></is></c>'
                )
            elif value is not None:
                add(self._other(letters[index] + n, value, as_text, bold))
        self.pending.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(self.pending) >= BUFFER_ROWS:
            self._flush()

    @staticmethod
    def _other(ref: str, value: Any, as_text: bool, bold: bool) -> str:
        """A cell that is not plain text: a number, a boolean, a date, or another object as its text."""
        plain = ' s="1"' if bold else ""
        if isinstance(value, bool):
            return f'<c r="{ref}"{plain} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | Decimal) or (isinstance(value, float) and math.isfinite(value)):
            return f'<c r="{ref}"{plain}><v>{value}</v></c>'
        if isinstance(value, datetime.date):
            kind = DATETIME if isinstance(value, datetime.datetime) else DATE
            return f'<c r="{ref}" s="{kind * 2 + bold}"><v>{_serial(value)}</v></c>'
        text = str(value).translate(_ESCAPE)  # a str subclass, a time, a UUID, a non-finite float
        if not text:
            return ""
        style = f' s="{TEXT * 2 + bold}"' if as_text else plain
        space = _PRESERVE if text[0] in _SPACE or text[-1] in _SPACE else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'

    def _flush(self) -> None:
        self.sheet.write("".join(self.pending).encode())
        self.pending.clear()

    def close(self) -> None:
        self._flush()
        self.sheet.write(b"</sheetData></worksheet>")
        self.sheet.close()
        self.zip.close()
