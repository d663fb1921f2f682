"""Every API error answer is JSON {"code", "message"} in Chinese (plus "errors" per field on 422).

Schema errors come from pydantic in English; `schema_error_message` words each in Chinese. Answers
Django makes itself under /api/ (an unknown path, a wrong method, a crash) are HTML pages; the
middleware replaces them with the same JSON shape."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"
_CJK = re.compile(r"[\u4e00-\u9fff]")

STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求有误"),
    401: ("unauthorized", "请先登录或提供有效的令牌"),
    403: ("permission_denied", "您没有权限执行此操作"),
    404: ("not_found", "接口或记录不存在"),
    405: ("method_not_allowed", "该接口不支持此请求方法"),
    413: ("too_large", "提交的内容过大"),
    415: ("unsupported_media_type", "不支持的提交格式"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
    500: ("server_error", "服务器内部错误，请稍后重试"),
}

_TYPE_WORDS = {
    "int": "整数",
    "float": "数字",
    "decimal": "数字",
    "string": "文本",
    "bool": "是或否",
    "date": "日期（如 2026-01-31）",
    "datetime": "日期时间（如 2026-01-31T08:00:00+08:00）",
    "time": "时间（如 08:00）",
    "list": "列表",
    "tuple": "列表",
    "set": "列表",
    "dict": "对象",
    "model": "对象",
    "json": "JSON",
    "uuid": "UUID",
    "url": "网址",
}


def is_chinese(text: str) -> bool:
    return bool(_CJK.search(text))


def status_error(status: int) -> dict[str, str]:
    code, message = STATUS_ERRORS.get(status, ("error" if status < 500 else "server_error", "请求无法完成"))
    return {"code": code, "message": message}


PYDANTIC_VALUE_ERRORS = frozenset({"value_error"})


def schema_error_message(error: dict[str, Any]) -> str:
    """One pydantic error in Chinese: what the field should be, not how the validator failed."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind not in PYDANTIC_VALUE_ERRORS and is_chinese(str(error.get("msg", ""))):
        return str(error["msg"])  # our own checks (e.g. control characters) already speak Chinese
    if kind == "missing":
        return "必填"
    if kind == "json_invalid":
        return "请求体不是有效的 JSON"
    if kind == "value_error":
        text = str(ctx.get("error", "")) or str(error.get("msg", ""))
        text = text.removeprefix("Value error, ")
        return text if is_chinese(text) else "无效的值"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        bound = next(iter(ctx.values()), "")
        word = {"greater_than_equal": "不能小于", "greater_than": "应大于", "less_than_equal": "不能大于"}
        return f"{word.get(kind, '应小于')}{bound}"
    if kind in {"string_too_short", "too_short"}:
        least = ctx.get("min_length", 1)
        return "不能为空" if least == 1 else f"至少{least}{'个字符' if kind.startswith('string') else '项'}"
    if kind == "string_too_long":
        return f"不能超过{ctx.get('max_length')}个字符"
    if kind == "too_long":
        return f"最多{ctx.get('max_length')}项"
    if kind in {"literal_error", "enum"}:
        return f"取值无效，可选：{ctx.get('expected', '')}".rstrip("：")
    if kind == "decimal_max_digits" or kind == "decimal_whole_digits":
        return "数字位数过多"
    if kind == "decimal_max_places":
        return f"最多{ctx.get('decimal_places')}位小数"
    if kind in {"timezone_aware", "timezone_naive"}:
        return "时间须带时区（如 +08:00）" if kind == "timezone_aware" else "时间不能带时区"
    if kind.endswith(("_type", "_parsing", "_from_datetime_inexact", "_from_datetime_parsing", "_from_float")):
        if error.get("null") or error.get("input", ...) is None:
            return "不能为空"
        stem = kind.split("_", 1)[0]
        return f"应为{_TYPE_WORDS.get(stem, '有效的值')}"
    return "无效的值"


class ApiErrorsAsJson:
    """Under /api/, an error answer that is not JSON (Django's 404/405/500 pages) becomes
    {"code", "message"} with the same status. Exceptions are still logged by Django first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not str(response.get("Content-Type", "")).startswith("application/json")
        ):
            replaced = JsonResponse(status_error(response.status_code), status=response.status_code)
            if response.has_header("Allow"):
                replaced["Allow"] = response["Allow"]
            return replaced
        return response
