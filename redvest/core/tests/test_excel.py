"""The one Excel writer: formula-like text stays text, characters an xlsx cannot hold are removed."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from redvest.core.excel import BOLD, excel_append, excel_bytes, excel_sheet

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
