"""One error base for every business rule; the API and the views turn it into a message."""

from __future__ import annotations


class DomainError(Exception):
    code = "invalid"
    status = 400
    default_message = "操作无法完成"

    def __init__(self, message: str | None = None, *, field: str | None = None, code: str | None = None) -> None:
        self.message = message or self.default_message
        self.field = field
        if code:
            self.code = code
        super().__init__(self.message)

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"code": self.code, "message": self.message}
        if self.field:
            data["field"] = self.field
        return data


class ValidationFailed(DomainError):
    """Several field errors at once: {"field": "message"}."""

    code = "validation_error"
    default_message = "提交的数据有误"

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        self.errors = errors
        super().__init__(message or "；".join(errors.values()) or self.default_message)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "errors": self.errors}


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = "您没有权限执行此操作"


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = "记录不存在或您无权查看"


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = "数据冲突，请刷新后重试"


class AppendOnlyError(Conflict):
    code = "append_only"
    default_message = "该记录只能追加，不能修改或删除"


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = "操作过于频繁，请稍后再试"


class BackupRefused(Exception):
    """`manage.py backup`/`restore` will not go on; the message tells the operator why and what to do."""


class InvalidCursor(ValidationFailed):
    """A paging cursor that was not made by the list it is given to (edited, cut short, or another list's)."""

    code = "invalid_cursor"
    status = 422

    def __init__(self, field: str) -> None:
        super().__init__({field: "翻页位置无效或已过期，请从第一页重新浏览"})
