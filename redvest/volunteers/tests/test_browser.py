"""Playwright in Chromium (phone-sized): registering through the form, and the Excel import flow."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from redvest.volunteers.tests.factories import make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def good_id(seq: int) -> str:
    return make_id_number(birth=datetime.date(1986, 4, 12), seq=seq)


def test_org_admin_registers_a_volunteer_after_fixing_a_bad_id(
    page: Any, live_server: Any, browser_login: Any, ledger: Any
) -> None:
    browser_login("admin_a")
    page.goto(f"{live_server.url}/volunteers/new/")
    # Choosing the org swaps the team <option>s via htmx: wait for that swap before picking a team,
    # or a late swap wipes the choice.
    with page.expect_response("**/volunteers/team-options/**"):
        page.select_option("#id_org", label="雉城街道")
    page.locator("#id_team option", has_text="雉城先锋队").wait_for(state="attached")
    page.select_option("#id_team", label="雉城街道 · 雉城先锋队")
    page.fill("#id_name", "浏览器登记")
    valid = good_id(31)
    page.fill("#id_id_number", valid[:17] + ("0" if valid[17] != "0" else "1"))
    page.fill("#id_phone", "13655556666")
    page.select_option("#id_political_status", label="中共党员")
    page.click("main form.narrow button[type=submit]")
    page.get_by_text("身份证号校验位不正确").wait_for()
    assert page.locator(".errors").first.is_visible()

    assert page.locator("#id_team option:checked").inner_text() == "雉城街道 · 雉城先锋队"
    page.fill("#id_id_number", valid)
    page.click("main form.narrow button[type=submit]")
    page.locator(".messages", has_text="已登记志愿者 浏览器登记").wait_for()
    assert "/volunteers/new/" not in page.url
    assert page.locator("h1").inner_text().startswith("浏览器登记")

    page.goto(f"{live_server.url}/volunteers/")
    page.fill("input[name=q]", "浏览器")
    page.click("form.filters button[type=submit]")
    row = page.locator("table.rows tbody tr", has_text="浏览器登记")
    row.wait_for()
    assert "136****6666" in row.inner_text()
    assert valid not in page.content()


def _fill_template(template: Path, target: Path, rows: list[list[Any]]) -> Path:
    workbook = load_workbook(template)
    sheet = workbook["志愿者"]
    headers = [c.value for c in sheet[1]]
    for values in rows:
        record = dict(zip(["姓名*", "证件号码*", "手机号*", "政治面貌*", "服务队*"], values, strict=True))
        sheet.append([record.get(h, "") for h in headers])
    workbook.save(target)
    return target


def test_excel_import_flow_from_template_to_list(
    page: Any, live_server: Any, browser_login: Any, ledger: Any, tmp_path: Path
) -> None:
    browser_login("admin_a")
    page.goto(f"{live_server.url}/volunteers/import/")
    with page.expect_download() as download_info:
        page.click("text=下载空白模板")
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)

    bad = _fill_template(
        template,
        tmp_path / "bad.xlsx",
        [
            ["表格甲", good_id(41), "13700000001", "中共党员", "雉城先锋队"],
            ["表格乙", "330522198604120000", "13700000002", "群众", "雉城先锋队"],
        ],
    )
    page.select_option("#id_org", label="雉城街道")
    page.set_input_files("#id_file", str(bad))
    page.click("main form.narrow button[type=submit]")
    page.wait_for_url("**/volunteers/import/*/")
    page.get_by_text("第 3 行").wait_for()
    errors = page.locator("table.rows").inner_text()
    assert "证件号码" in errors and "身份证号校验位不正确" in errors

    good = _fill_template(
        template,
        tmp_path / "good.xlsx",
        [
            ["表格甲", good_id(41), "13700000001", "中共党员", "雉城先锋队"],
            ["表格丙", good_id(43), "13700000003", "共青团员", "城东服务队"],
        ],
    )
    page.goto(f"{live_server.url}/volunteers/import/")
    page.select_option("#id_org", label="雉城街道")
    page.set_input_files("#id_file", str(good))
    page.click("main form.narrow button[type=submit]")
    page.wait_for_url("**/volunteers/import/*/")
    page.locator("[data-testid=import-status]", has_text="预检完成").wait_for()
    page.click("text=确认导入")
    page.locator("[data-testid=import-status]", has_text="已导入").wait_for()
    assert page.locator("[data-testid=import-progress]").inner_text() == "已处理 2 / 2 行"
    assert page.locator(".progress").get_attribute("aria-valuenow") == "100"

    page.click("text=查看志愿者列表")
    page.fill("input[name=q]", "表格")
    page.click("form.filters button[type=submit]")
    page.locator("table.rows tbody tr", has_text="表格丙").wait_for()
    body = page.locator("table.rows tbody").inner_text()
    assert "表格甲" in body and "表格乙" not in body and "城东服务队" in body
