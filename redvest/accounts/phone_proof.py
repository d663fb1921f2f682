"""What other apps do once a person has proven a phone number with a one-time code (sign-up, password reset).

Accounts sits below the domain apps and imports none of them; an app that keeps something by phone number
(demand: the residents known to the hotline) registers one function here from its AppConfig.ready(), and
the sign-up and reset services call every registered function inside their own transaction, so a failure
leaves no account half linked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PhoneProven = Callable[..., Any]  # called as hook(user=<User>, phone=<11 digits>, new_account=<bool>)

_hooks: list[PhoneProven] = []


def register(hook: PhoneProven) -> None:
    """Called once per app from its AppConfig.ready()."""
    if hook not in _hooks:
        _hooks.append(hook)


def phone_proven(*, user: Any, phone: str, new_account: bool) -> None:
    """`new_account`: the proof opened the account (sign-up), rather than recovered it (password reset)."""
    for hook in _hooks:
        hook(user=user, phone=phone, new_account=new_account)
