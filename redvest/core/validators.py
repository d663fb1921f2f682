"""Validators for Chinese identity numbers, mainland mobile phones and primary keys."""

from __future__ import annotations

import datetime
import re
from typing import Any

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CODES = "10X98765432"
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CODES[total % 11]


def id_birth_date(id_number: str) -> datetime.date | None:
    try:
        return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def id_number_error(id_number: str, *, birth_date: datetime.date | None = None) -> str | None:
    """Return a Chinese message when an 18-digit resident ID (GB 11643) is invalid, else None."""
    value = id_number.strip().upper()
    if not ID_RE.match(value):
        return "身份证号应为18位，前17位为数字，最后一位为数字或X"
    born = id_birth_date(value)
    if born is None or born > datetime.date.today() or born.year < 1900:
        return "身份证号中的出生日期无效"
    if id_check_digit(value[:17]) != value[17]:
        return "身份证号校验位不正确"
    if birth_date is not None and birth_date != born:
        return "出生日期与身份证号不一致"
    return None


def id_gender(id_number: str) -> str:
    """'M' or 'F' from the sequence digit (odd = male)."""
    return "M" if int(id_number[16]) % 2 == 1 else "F"


def normalize_phone(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def phone_error(value: str) -> str | None:
    if not PHONE_RE.match(normalize_phone(value)):
        return "手机号应为11位中国大陆手机号码"
    return None


MAX_ID = 2**63 - 1  # larger ids cannot exist; asking the database would overflow its integer


def id_in_range(value: Any) -> bool:
    """Could this be a primary key? (Positive and within the database's 64-bit integer.)"""
    return isinstance(value, int) and 0 < value <= MAX_ID
