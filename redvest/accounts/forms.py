from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from redvest.core.forms import ControlCharacterChecks


class LoginForm(ControlCharacterChecks, AuthenticationForm):
    username = forms.CharField(
        label="用户名或手机号", max_length=150, widget=forms.TextInput(attrs={"autofocus": True})
    )
    error_messages = {
        "invalid_login": "用户名/手机号或密码错误",
        "inactive": "该账号已停用",
    }
