"""What can go wrong with care records, in the words the user sees."""

from __future__ import annotations

from redvest.core.errors import DomainError


class ConsentRequired(DomainError):
    code = "consent_required"
    status = 422
    default_message = "未取得本人或监护人对健康信息的单独同意，不能记录健康或残疾信息。请先登记单独同意。"
