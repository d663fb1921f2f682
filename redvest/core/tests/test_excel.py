"""The one Excel writer: formula-like text stays text, characters an xlsx cannot hold are removed."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from redvest.core.excel import BOLD, excel_append, excel_bytes, excel_sheet, sheet_bytes

FORMULA_LIKE = ['=HYPERLINK("http://example.com","点击查看")', "+86 138", "-1+2", "@SUM(A1)", "\t=1", "#N/A"]


def _written(values: list[object]) -> list[tuple[object, str]]:
    workbook = Workbook(write_only=True)
    sheet = excel_sheet(workbook, "表", widths=[10])
    excel_append(sheet, ["标题"], font=BOLD)
    excel_append(sheet, values)
    read = load_workbook(io.BytesIO(excel_bytes(workbook))).worksheets[0]
    return [(c.value, c.data_type) for c in read[2]]


@pytest.mark.parametrize("value", FORMULA_LIKE)
def test_formula_like_text_is_written_as_text_verbatim(value: str) -> None:
    [(read, data_type)] = _written([value])
    assert data_type == "s"
    assert read == value


def test_text_starting_with_a_carriage_return_is_text() -> None:
    [(read, data_type)] = _written(["\r=1"])
    assert data_type == "s" and str(read).endswith("=1")  # XML reads a lone CR back as LF


def test_formula_like_text_gets_the_quote_prefix_so_excel_keeps_it_text() -> None:
    workbook = Workbook(write_only=True)
    sheet = excel_sheet(workbook, "表")
    excel_append(sheet, ["=1+1"])
    cell = load_workbook(io.BytesIO(excel_bytes(workbook))).worksheets[0]["A1"]
    assert cell.quotePrefix is True and cell.value == "=1+1"


def test_control_characters_are_removed_instead_of_failing_the_file() -> None:
    assert _written(["急救\x00驾驶\x1f\x0b\x7f", "第一行\n第二行\t完"]) == [
        ("急救驾驶", "s"),
        ("第一行\n第二行\t完", "s"),
    ]


def test_numbers_dates_and_plain_text_keep_their_type() -> None:
    assert _written([-5, 3, "普通文字"]) == [(-5, "n"), (3, "n"), ("普通文字", "s")]


# ---- the streaming writers: xlsx and CSV share the cleaning rule -------------------------------------


def _csv(rows: list[list[object]]) -> bytes:
    from redvest.core.excel import sheet_writer

    buffer = io.BytesIO()
    writer = sheet_writer("csv", buffer, title="表")
    for row in rows:
        writer.append(row)
    writer.close()
    return buffer.getvalue()


def test_csv_starts_with_a_bom_and_keeps_chinese() -> None:
    content = _csv([["姓名", "组织"], ["张三", "雉城街道"]])
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig") == "姓名,组织\r\n张三,雉城街道\r\n"


@pytest.mark.parametrize("value", FORMULA_LIKE)
def test_csv_formula_like_text_gets_an_apostrophe(value: str) -> None:
    import csv

    [[read]] = list(csv.reader(io.StringIO(_csv([[value]]).decode("utf-8-sig"))))
    assert read == "'" + value


def test_csv_drops_control_characters_and_writes_numbers_plainly() -> None:
    import datetime

    text = _csv([["书法\x08绘画\x1b", -5, 1.5, None, datetime.date(2026, 1, 2)]]).decode("utf-8-sig")
    assert text == "书法绘画,-5,1.5,,2026-01-02\r\n"


def test_xlsx_writer_streams_to_a_file_with_a_bold_header(tmp_path: object) -> None:
    from pathlib import Path

    from redvest.core.excel import sheet_writer

    target = Path(str(tmp_path)) / "out.xlsx"
    with open(target, "wb") as handle:
        writer = sheet_writer("xlsx", handle, title="台账", widths=[10, 12])
        writer.append(["姓名", "岗位"], bold=True)
        writer.append(["张三", "=1+1"])
        writer.close()
    sheet = load_workbook(target).worksheets[0]
    assert sheet.title == "台账" and sheet["A1"].font.bold
    assert sheet["B2"].value == "=1+1" and sheet["B2"].data_type == "s"


def test_sheet_bytes_builds_a_small_sheet_in_either_format() -> None:

    rows = [["编号", "名称"], [1, "@x"]]
    assert sheet_bytes("csv", rows, title="表").decode("utf-8-sig") == "编号,名称\r\n1,'@x\r\n"
    read = load_workbook(io.BytesIO(sheet_bytes("xlsx", rows, title="表"))).worksheets[0]
    assert [c.value for c in read[2]] == [1, "@x"]


def test_streamed_xlsx_keeps_types_widths_and_text_as_typed() -> None:
    import datetime
    from typing import Any

    rows: list[list[Any]] = [
        ["文字", "数", "小数", "是否", "日期", "时间", "空", "空串", "公式样"],
        [
            "  前后有空格 ",
            7,
            1.5,
            True,
            datetime.date(2026, 1, 2),
            datetime.datetime(2026, 1, 2, 3, 4),
            None,
            "",
            "=A1",
        ],
        [
            "a<b & c>d",
            -3,
            0.25,
            False,
            datetime.date(1999, 12, 31),
            datetime.datetime(2000, 2, 29, 23, 59),
            0,
            "x",
            "#N/A",
        ],
    ]
    read = load_workbook(io.BytesIO(sheet_bytes("xlsx", rows, title="台账[全部]", widths=[12, 8]))).worksheets[0]
    assert read.title == "台账全部" and read.column_dimensions["A"].width == 12 and read["A1"].font.bold
    assert [c.value for c in read[2]] == [
        "  前后有空格 ",
        7,
        1.5,
        True,
        datetime.datetime(2026, 1, 2),
        datetime.datetime(2026, 1, 2, 3, 4),
        None,
        None,
        "=A1",
    ]
    assert [c.value for c in read[3]][:6] == [
        "a<b & c>d",
        -3,
        0.25,
        False,
        datetime.datetime(1999, 12, 31),
        datetime.datetime(2000, 2, 29, 23, 59),
    ]
    assert read["E2"].number_format == "yyyy-mm-dd" and read["F2"].number_format == "yyyy-mm-dd hh:mm"
    assert read["I2"].quotePrefix is True and read["I3"].data_type == "s" and read["A2"].quotePrefix is False
