"""The ledger's Excel format: one column list for the blank template, the import and the export.

Import columns (sheet 1, header in row 1, data from row 2; the order may differ, headers decide;
a trailing "*" or a note in brackets after a header is ignored):

    姓名*            required, up to 50 characters
    证件类型          居民身份证 (default when empty) / 港澳居民来往内地通行证 / 台湾居民来往大陆通行证 / 护照 / 其他
    证件号码*         an 18-digit resident ID is checked (GB 11643 checksum, birth date); keep the cell as text
    性别              男 / 女; may be empty for a resident ID (taken from the number)
    出生日期          2000-01-31; may be empty for a resident ID
    手机号*           11-digit mainland mobile number
    政治面貌*         中共党员 / 中共预备党员 / 共青团员 / 群众
    所属组织          name of the import's org node or of a node below it; empty = the import's org node
    服务队*           name of the organisational team, looked up among the active teams in the subtree of
                      the row's 所属组织 (a name used by two teams there is an error: name the org more precisely)
    所在党组织        name of an org node in the import's subtree or above it
    工作单位 居住地区 服务技能 服务类别 特长 服务岗位 可服务时间
                      lists (服务技能, 服务类别) are separated by 、 or commas; 服务类别 from the national list
    监护人姓名 监护人手机号 监护人同意日期   required under 18
    监护说明          required under 14: that the person serves only together with a guardian

Export columns: 志愿者编号, then the import columns above (所属组织 and 服务队 filled in), then 状态 and
登记时间. 证件号码, 手机号 and 监护人手机号 are masked (330***********123X, 138****5678) unless the
exporting user may see full values for the whole exported subtree.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from redvest.core.excel import excel_append, excel_bytes
from redvest.volunteers.models import Gender, IdType, PoliticalStatus, ServiceCategory

MAX_IMPORT_ROWS = 20_000
SHEET_TITLE = "志愿者"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    help: str = ""
    width: int = 14
    text: bool = False


IMPORT_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, "不超过50字", 10),
    Column("id_type", "证件类型", False, "留空为居民身份证；可填 " + "、".join(IdType.labels), 14),
    Column("id_number", "证件号码", True, "18位身份证号会校验校验位和出生日期；请保持文本格式", 22, True),
    Column("gender", "性别", False, "男/女；居民身份证可留空，按号码判断", 6),
    Column("birth_date", "出生日期", False, "如 2000-01-31；居民身份证可留空", 12, True),
    Column("phone", "手机号", True, "11位中国大陆手机号", 14, True),
    Column("political_status", "政治面貌", True, "、".join(PoliticalStatus.labels), 12),
    Column("org", "所属组织", False, "导入组织或其下级组织的名称；留空为导入组织", 16),
    Column("team", "服务队", True, "组织关系所在服务队的名称，在所属组织（含下级）内查找", 18),
    Column("party_org", "所在党组织", False, "组织网络中的党组织名称", 16),
    Column("work_unit", "工作单位", False, "", 16),
    Column("residence_area", "居住地区", False, "", 16),
    Column("skills", "服务技能", False, "多项用顿号分隔，如 急救、驾驶", 16),
    Column("service_categories", "服务类别", False, "多项用顿号分隔，可选：" + "、".join(ServiceCategory.labels), 16),
    Column("specialties", "特长", False, "", 14),
    Column("service_post", "服务岗位", False, "", 14),
    Column("availability", "可服务时间", False, "如 周末、工作日晚上", 14),
    Column("recruitment_source", "招募来源", False, "组织推荐、群众推荐或个人自荐；留空为组织推荐", 12),
    Column("recommender", "推荐人", False, "推荐单位或推荐人姓名，个人自荐不填", 12),
    Column("guardian_name", "监护人姓名", False, "未满18周岁必填", 10),
    Column("guardian_phone", "监护人手机号", False, "未满18周岁必填", 14, True),
    Column("guardian_consent_date", "监护人同意日期", False, "未满18周岁必填，如 2024-05-01", 14, True),
    Column("guardian_note", "监护说明", False, "未满14周岁必填：仅在监护人陪同下参加志愿服务", 20),
)
EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("number", "志愿者编号", width=18, text=True),
    *IMPORT_COLUMNS,
    Column("status", "状态", width=8),
    Column("created_at", "登记时间", width=18),
)
LABELS: dict[str, str] = {c.key: c.header for c in EXPORT_COLUMNS} | {
    "password": "密码",
    "file": "文件",
    "row": "整行",
}
DATE_KEYS = frozenset({"birth_date", "guardian_consent_date"})
_HEADER_NOTE_RE = re.compile(r"[（(].*?[）)]|\*|\s")
_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


class ExcelFormatError(Exception):
    """The file is not a readable ledger; the message is shown to the user."""


@dataclass
class ImportRow:
    number: int  # the row number in Excel, so people find it
    values: dict[str, Any]
    raw: tuple[Any, ...]


@dataclass
class ImportSheet:
    headers: tuple[str, ...]
    rows: list[ImportRow]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def parse_date(value: Any) -> datetime.date | None:
    """Excel date cell or text 2000-01-31 / 2000/1/31 / 2000年1月31日 / 20000131; raises ValueError."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _cell_text(value)
    if re.fullmatch(r"\d{8}", text):
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if match := _DATE_RE.match(text):
        return datetime.date(*(int(g) for g in match.groups()))
    raise ValueError(text)


def read_import_sheet(file: IO[bytes]) -> ImportSheet:
    """Rows of the first sheet keyed by column; raises ExcelFormatError with a Chinese message."""
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, xml, key errors) for a non-xlsx file
        raise ExcelFormatError("无法读取该文件，请上传由模板填写的 .xlsx 文件") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise ExcelFormatError("文件是空的：第1行应为列名")
        headers = tuple(_cell_text(h) for h in header_row)
        by_header = {c.header: c.key for c in IMPORT_COLUMNS}
        positions = {
            by_header[h]: i for i, h in enumerate(_HEADER_NOTE_RE.sub("", h) for h in headers) if h in by_header
        }
        missing = [c.header for c in IMPORT_COLUMNS if c.required and c.key not in positions]
        if missing:
            raise ExcelFormatError(f"缺少必填列：{'、'.join(missing)}（请使用下载的模板）")
        result: list[ImportRow] = []
        for number, raw in enumerate(rows, start=2):
            if all(v is None or _cell_text(v) == "" for v in raw):
                continue
            if len(result) >= MAX_IMPORT_ROWS:
                raise ExcelFormatError(f"单次最多导入{MAX_IMPORT_ROWS}行，请分批导入")
            values = {
                key: (raw[i] if key in DATE_KEYS else _cell_text(raw[i])) if i < len(raw) else ""
                for key, i in positions.items()
            }
            result.append(ImportRow(number=number, values=values, raw=tuple(raw)))
        return ImportSheet(headers=headers, rows=result)
    finally:
        workbook.close()


def _header(sheet: Any, columns: Iterable[Column], *, mark_required: bool) -> None:
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FBE9E9")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header + ("*" if mark_required and column.required else ""))
        cell.font = bold
        cell.fill = fill
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"


def template_workbook() -> bytes:
    """The blank import template: the columns, dropdowns for fixed choices, and a sheet of instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    _header(sheet, IMPORT_COLUMNS, mark_required=True)
    sheet.freeze_panes = "A2"
    keys = [c.key for c in IMPORT_COLUMNS]
    for key, options in (
        ("id_type", IdType.labels),
        ("gender", Gender.labels),
        ("political_status", PoliticalStatus.labels),
    ):
        letter = get_column_letter(keys.index(key) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        validation.add(f"{letter}2:{letter}{MAX_IMPORT_ROWS + 1}")
        sheet.add_data_validation(validation)
    guide = workbook.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "说明"])
    for column in IMPORT_COLUMNS:
        guide.append([column.header, "必填" if column.required else "选填", column.help])
    guide.append([])
    guide.append(["说明", "", "从第2行开始填写，每行一人；标*的列必填。同一证件号码只能登记一次，文件内重复也会报错。"])
    guide.append(["", "", "服务队按名称在所属组织（含下级组织）内查找；同名服务队请填写更具体的所属组织。"])
    guide.append(["", "", "默认全部正确才导入；可选择“只导入正确行”，错误行可下载错误报告修改后再导入。"])
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["C"].width = 80
    return excel_bytes(workbook)


def error_report_workbook(*, headers: tuple[str, ...], rows: Iterator[tuple[int, tuple[Any, ...], str]]) -> bytes:
    """The bad rows as uploaded, each with its Excel row number and every problem, ready to fix and re-import."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("错误行")
    excel_append(sheet, ["原行号", "错误说明", *headers])
    for number, raw, message in rows:
        excel_append(sheet, [number, message, *(_cell_text(v) for v in raw)])
    return excel_bytes(workbook)
