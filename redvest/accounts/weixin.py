"""WeChat sign-in (微信登录): a hand-written OAuth2 authorization-code flow against WeChat's open platform.

    1. the browser goes to WEIXIN_AUTHORIZE_URL (open.weixin.qq.com/connect/qrconnect, the QR page for a web
       site; oauth2/authorize inside WeChat's own browser) with appid, redirect_uri, scope and a state kept in
       the session;
    2. WeChat sends it back with `code`; the server trades it at {WEIXIN_API_BASE}/sns/oauth2/access_token
       (appid, secret, code) for the openid (and unionid).

django-allauth's Weixin provider was considered: it is not installed, would change the lock, and brings
allauth's own sign-up, e-mail and account pages beside ours (a second way to sign up, a second user
table of "social accounts"). Our rule is narrower: a WeChat id only ever signs in to an existing real-name
account, linked once that account proved itself; that fits in this module and two views.

Only keyed hashes of openid and unionid are stored (`WeixinIdentity`); the access token is not kept, since
nothing is read from WeChat after sign-in."""

from __future__ import annotations

import datetime
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from redvest.accounts.errors import AccountInactive, PhoneWithoutAccount
from redvest.accounts.models import CodePurpose, User, WeixinIdentity
from redvest.accounts.otp import clean_phone, phone_code_consume, phone_code_send
from redvest.accounts.selectors import user_for_phone
from redvest.audit.services import audit_record
from redvest.core.crypto import blind_index
from redvest.core.errors import Conflict, DomainError, NotFound

PENDING_TTL = datetime.timedelta(minutes=10)  # from WeChat's answer to binding by phone code


class WeixinFailed(DomainError):
    code = "weixin_failed"
    status = 502
    default_message = "微信登录失败，请稍后再试或改用手机号登录"


class WeixinAlreadyBound(Conflict):
    code = "weixin_already_bound"
    default_message = "该微信已绑定其他账号，请先在那个账号的「我的」页面解除绑定"


class AccountHasWeixin(Conflict):
    code = "account_has_weixin"
    default_message = "您的账号已绑定一个微信，请先解除绑定再绑定新的微信"


@dataclass(frozen=True)
class WeixinProfile:
    openid: str
    unionid: str = ""


def weixin_configured() -> bool:
    return bool(settings.WEIXIN_APP_ID and settings.WEIXIN_APP_SECRET)


def weixin_authorize_url(*, redirect_uri: str, state: str) -> str:
    query = urllib.parse.urlencode(
        {
            "appid": settings.WEIXIN_APP_ID,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": settings.WEIXIN_SCOPE,
            "state": state,
        }
    )
    return f"{settings.WEIXIN_AUTHORIZE_URL}?{query}#wechat_redirect"


def weixin_exchange(*, code: str) -> WeixinProfile:
    """The openid (and unionid) for the code WeChat sent back; WeixinFailed when WeChat refuses or is down."""
    query = urllib.parse.urlencode(
        {
            "appid": settings.WEIXIN_APP_ID,
            "secret": settings.WEIXIN_APP_SECRET,
            "code": code,
            "grant_type": "authorization_code",
        }
    )
    url = f"{settings.WEIXIN_API_BASE.rstrip('/')}/sns/oauth2/access_token?{query}"
    try:
        with urllib.request.urlopen(url, timeout=settings.WEIXIN_TIMEOUT) as resp:
            answer = json.loads(resp.read().decode("utf-8"))
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise WeixinFailed() from exc
    if not isinstance(answer, dict) or answer.get("errcode") or not answer.get("openid"):
        raise WeixinFailed()
    return WeixinProfile(openid=str(answer["openid"]), unionid=str(answer.get("unionid") or ""))


def weixin_user(*, profile: WeixinProfile) -> User | None:
    """The account linked to this WeChat id (by openid, else unionid), or None."""
    identity = WeixinIdentity.objects.select_related("user").filter(openid_hash=blind_index(profile.openid)).first()
    if identity is None and profile.unionid:
        identity = (
            WeixinIdentity.objects.select_related("user").filter(unionid_hash=blind_index(profile.unionid)).first()
        )
    return identity.user if identity is not None else None


@transaction.atomic
def weixin_link(*, user: User, profile: WeixinProfile, now: datetime.datetime, how: str) -> WeixinIdentity:
    """Link a WeChat id to an account that proved itself (`how` says how, for the audit row). Raises
    WeixinAlreadyBound (another account has it), AccountHasWeixin (this account has another)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    openid_hash = blind_index(profile.openid)
    taken = WeixinIdentity.objects.filter(openid_hash=openid_hash).first()
    if taken is not None:
        if taken.user_id == user.pk:
            return taken
        raise WeixinAlreadyBound()
    if WeixinIdentity.objects.filter(user=user).exists():
        raise AccountHasWeixin()
    identity = WeixinIdentity.objects.create(
        user=user,
        openid_hash=openid_hash,
        unionid_hash=blind_index(profile.unionid) if profile.unionid else "",
        linked_at=now,
    )
    audit_record(actor=user, action="bind", target=identity, reason=f"本人绑定微信登录（{how}）")
    return identity


def weixin_bind_code_send(*, phone: str, now: datetime.datetime) -> None:
    """First WeChat sign-in without a link: a code to the phone of the account to bind. Raises
    PhoneWithoutAccount, AccountInactive, CodeResendTooSoon, SmsUnavailable, ValidationFailed."""
    phone = clean_phone(phone)
    user = user_for_phone(phone=phone)
    if user is None:
        raise PhoneWithoutAccount("该手机号还没有账号。志愿者请先实名注册，居民请先注册账号", field="phone")
    if not user.is_active:
        raise AccountInactive()
    phone_code_send(phone=phone, purpose=CodePurpose.WEIXIN_BIND, now=now)


@transaction.atomic
def weixin_link_by_phone(*, phone: str, profile: WeixinProfile, now: datetime.datetime) -> User:
    """Link the WeChat id to the account of a phone proven by its code (the proof is used up); the account.
    Raises PhoneNotProven, PhoneWithoutAccount, AccountInactive, WeixinAlreadyBound, AccountHasWeixin."""
    phone = clean_phone(phone)
    user = user_for_phone(phone=phone)
    if user is None:
        raise PhoneWithoutAccount(field="phone")
    if not user.is_active:
        raise AccountInactive()
    phone_code_consume(phone=phone, purpose=CodePurpose.WEIXIN_BIND, now=now)
    weixin_link(user=user, profile=profile, now=now, how="手机验证码验证账号")
    return user


@transaction.atomic
def weixin_unlink(*, user: User) -> None:
    """Remove the account's WeChat sign-in (from its own profile page or the API). Raises NotFound."""
    identity = WeixinIdentity.objects.select_for_update().filter(user=user).first()
    if identity is None:
        raise NotFound("您的账号没有绑定微信")
    audit_record(actor=user, action="unbind", target=identity, reason="本人解除微信登录绑定")
    identity.delete()
