"""Encryption at rest for personal data, a keyed hash for exact-match lookup, and masking."""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _derive(label: str, configured: str) -> bytes:
    material = configured or f"{label}:{settings.SECRET_KEY}"
    return hashlib.sha256(material.encode()).digest()


@cache
def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive("field-encryption", settings.FIELD_ENCRYPTION_KEY)))


@cache
def _index_key() -> bytes:
    return _derive("blind-index", settings.BLIND_INDEX_KEY)


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def blind_index(value: str) -> str:
    """Keyed hash of a normalised value: equal inputs give equal hashes, nothing else leaks."""
    if not value:
        return ""
    return hmac.new(_index_key(), value.strip().upper().encode(), hashlib.sha256).hexdigest()


def key_fingerprints() -> dict[str, str]:
    """Keyed hashes naming the field-encryption and blind-index keys in force, revealing nothing of them: a
    backup's manifest stores them, and restore refuses a database whose encrypted columns and lookup hashes
    the configured keys could not read."""
    label = b"redvest key fingerprint v1"
    return {
        name: hmac.new(_derive(name, configured), label, hashlib.sha256).hexdigest()[:32]
        for name, configured in (
            ("field-encryption", settings.FIELD_ENCRYPTION_KEY),
            ("blind-index", settings.BLIND_INDEX_KEY),
        )
    }


def mask_id_number(value: str) -> str:
    """330***********123X: first 3 and last 4 kept."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张*明 / 张*: for public pages without consent."""
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
