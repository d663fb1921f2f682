"""What can go wrong when signing in, signing up or resetting a password, in the words the user sees."""

from __future__ import annotations

from redvest.core.errors import Conflict, DomainError, NotFound


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 401
    default_message = "用户名/手机号或密码错误"


class AccountLocked(DomainError):
    code = "account_locked"
    status = 429
    default_message = "登录失败次数过多，账号已暂时锁定，请稍后再试"


class PhoneTaken(Conflict):
    code = "phone_taken"
    default_message = "该手机号已注册账号，请直接登录；忘记密码可以通过「找回密码」用手机验证码重新设置"


class PhoneWithoutAccount(NotFound):
    code = "phone_without_account"
    default_message = "该手机号还没有注册账号，请先注册"


class AccountInactive(DomainError):
    code = "account_inactive"
    status = 403
    default_message = "该账号已停用，请联系所在组织"
