"""What can go wrong when signing in, in the words the user sees."""

from __future__ import annotations

from redvest.core.errors import DomainError


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 401
    default_message = "用户名/手机号或密码错误"


class AccountLocked(DomainError):
    code = "account_locked"
    status = 429
    default_message = "登录失败次数过多，账号已暂时锁定，请稍后再试"
