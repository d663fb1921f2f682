from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from redvest.core.crypto import decrypt, mask_phone
from redvest.core.roles import ADMIN_ROLES, LEAD_ROLES, STAFF_ROLES, Role
from redvest.core.validators import phone_error

__all__ = ["ADMIN_ROLES", "ASSIGNABLE_ROLES", "LEAD_ROLES", "STAFF_ROLES", "ApiToken", "Role", "RoleAssignment", "User"]


class User(AbstractUser):
    """A login. Phone is encrypted at rest; `phone_hash` finds it by exact match for phone login."""

    name = models.CharField("姓名", max_length=50, blank=True, default="")
    phone_encrypted = models.TextField(blank=True, default="", editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        if self.name:
            return self.name
        # Logins made from a phone number (volunteer registration) must not show it in clear (audit labels).
        return mask_phone(self.username) if phone_error(self.username) is None else self.username

    @property
    def phone(self) -> str:
        return decrypt(self.phone_encrypted)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def display_name(self) -> str:
        return self.name or self.get_full_name() or self.username


# Team leader, liaison and volunteer come from the team and volunteer records themselves
# (Team.leader, Team.liaison, Volunteer.user), so they cannot drift from the roster.
ASSIGNABLE_ROLES = frozenset(
    {Role.SYSTEM_ADMIN, Role.ORG_ADMIN, Role.DISPATCHER, Role.STATION_KEEPER, Role.MERCHANT, Role.RESIDENT}
)


class RoleAssignment(models.Model):
    """A role a user holds at one node of the org tree (and so over its subtree, as the policy says)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("角色", max_length=20, choices=[(r.value, r.label) for r in Role if r in ASSIGNABLE_ROLES])
    org = models.ForeignKey("orgs.OrgNode", on_delete=models.PROTECT, related_name="role_assignments")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "角色分配"
        constraints = [models.UniqueConstraint(fields=["user", "role", "org"], name="uniq_role_assignment")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} @ {self.org}"


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "API令牌"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()


class CodePurpose(models.TextChoices):
    SIGNUP = "signup", "注册"
    PASSWORD_RESET = "password_reset", "找回密码"
    LOGIN = "login", "验证码登录"
    WEIXIN_BIND = "weixin_bind", "绑定微信"


class PhoneCode(models.Model):
    """The one live six-digit code for a phone and purpose (redvest.accounts.otp). Only keyed hashes of the
    phone and the code are stored; sending again replaces the code. `verified_at` marks the code proven
    by its owner, `consumed_at` the sign-up or reset that used that proof."""

    phone_hash = models.CharField(max_length=64, editable=False)
    purpose = models.CharField("用途", max_length=20, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64, editable=False)
    sent_at = models.DateTimeField("发送时间")
    expires_at = models.DateTimeField("失效时间")
    attempts = models.PositiveSmallIntegerField("错误次数", default=0)
    verified_at = models.DateTimeField("验证时间", null=True, blank=True)
    consumed_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "手机验证码"
        constraints = [models.UniqueConstraint(fields=["phone_hash", "purpose"], name="uniq_phone_code_purpose")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}验证码#{self.pk}"


class AccountConsent(models.Model):
    """The consent (个人信息保护法) a person gave when signing up for a resident account: which notice text
    version, when, how. Never edited except to stamp `withdrawn_at`."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="account_consents")
    policy_version = models.CharField("告知文本版本", max_length=30)
    given_at = models.DateTimeField("同意时间")
    method = models.CharField("方式", max_length=10, choices=[("online", "线上")], default="online")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "账号个人信息处理同意"
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"个人信息处理同意（{self.policy_version}）"


class WeixinIdentity(models.Model):
    """A WeChat account (微信开放平台 openid, and unionid when the app is under an open-platform account) that
    may sign in as `user`. Linked only after the account proved itself (signed in, or a code texted to its
    phone); only keyed hashes of the ids are kept, as for phones: they are only ever looked up."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="weixin_identity")
    openid_hash = models.CharField(max_length=64, unique=True, editable=False)
    unionid_hash = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    linked_at = models.DateTimeField("绑定时间")

    class Meta:
        verbose_name = verbose_name_plural = "微信登录绑定"

    def __str__(self) -> str:
        return f"{self.user}的微信登录"
