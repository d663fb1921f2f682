from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet

from redvest.core.forms import CheckedForm, ControlCharacterChecks
from redvest.orgs.forms import label_with_county
from redvest.orgs.models import OrgNode


class LoginForm(ControlCharacterChecks, AuthenticationForm):
    username = forms.CharField(
        label="用户名或手机号", max_length=150, widget=forms.TextInput(attrs={"autofocus": True})
    )
    error_messages = {
        "invalid_login": "用户名/手机号或密码错误",
        "inactive": "该账号已停用",
    }


class PhoneForm(CheckedForm):
    phone = forms.CharField(
        label="手机号",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "autofocus": True}),
    )


class CodeForm(CheckedForm):
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        help_text="6位数字，10分钟内有效",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*", "autofocus": True}
        ),
    )


class NewPasswordForm(CheckedForm):
    password = forms.CharField(
        label="设置密码",
        strip=False,
        help_text="至少8位，不能全是数字，不要用常见密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label="再次输入密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class SignUpForm(NewPasswordForm):
    name = forms.CharField(label="姓名", max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    community = forms.ModelChoiceField(
        label="所在村社区",
        queryset=OrgNode.objects.none(),
        required=False,
        empty_label="暂不选择",
        help_text="选填，便于就近为您服务",
    )
    consent = forms.BooleanField(label="我已阅读并同意《居民账号个人信息处理告知同意书》", required=False)

    field_order = ["name", "password", "password_confirm", "community", "consent"]

    def __init__(self, *args: Any, communities: QuerySet[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        community: Any = self.fields["community"]
        community.queryset = communities
        label_with_county(community)


class RoleGrantForm(CheckedForm):
    MODE_EXISTING = "existing"
    MODE_NEW = "new"

    role = forms.ChoiceField(label="角色")
    mode = forms.ChoiceField(
        label="账号",
        choices=[(MODE_EXISTING, "已有账号"), (MODE_NEW, "新建账号")],
        initial=MODE_EXISTING,
        widget=forms.RadioSelect,
    )
    account = forms.CharField(label="用户名或手机号", max_length=150, required=False)
    new_username = forms.CharField(label="新用户名", max_length=150, required=False)
    new_name = forms.CharField(label="姓名", max_length=50, required=False)
    new_phone = forms.CharField(label="手机号", max_length=20, required=False)
    new_password = forms.CharField(label="初始密码", required=False, widget=forms.PasswordInput(render_value=False))

    def __init__(self, *args: Any, role_choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices or []  # type: ignore[attr-defined]  # a ChoiceField
