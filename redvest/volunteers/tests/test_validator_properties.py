"""Property tests for the two validators the ledger leans on (GB 11643 ID numbers, mainland phones)."""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redvest.core.validators import id_check_digit, id_gender, id_number_error, normalize_phone, phone_error
from redvest.volunteers.services.validation import VolunteerData, volunteer_clean

TODAY = datetime.date.today()
# The suite runs beside other work (parallel workers, a browser): time-based checks would only be flaky.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
areas = st.from_regex(r"[1-9]\d{5}", fullmatch=True)
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


@st.composite
def valid_ids(draw: st.DrawFn) -> tuple[str, datetime.date]:
    birth = draw(births)
    first17 = f"{draw(areas)}{birth:%Y%m%d}{draw(sequences):03d}"
    return first17 + id_check_digit(first17), birth


@relaxed
@given(valid_ids())
def test_generated_valid_ids_pass(case: tuple[str, datetime.date]) -> None:
    id_number, birth = case
    assert id_number_error(id_number) is None
    assert id_number_error(id_number, birth_date=birth) is None
    assert id_number_error(id_number.lower()) is None


@relaxed
@given(valid_ids(), st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_fails_the_checksum(case: tuple[str, datetime.date], position: int, shift: int) -> None:
    id_number, _ = case
    digit = (int(id_number[position]) + shift) % 10
    changed = id_number[:position] + str(digit) + id_number[position + 1 :]
    assert id_check_digit(changed[:17]) != changed[17]
    assert id_number_error(changed) is not None


@relaxed
@given(valid_ids(), st.sampled_from("0123456789X"))
def test_a_changed_check_digit_fails(case: tuple[str, datetime.date], check: str) -> None:
    id_number, _ = case
    if check != id_number[17]:
        assert id_number_error(id_number[:17] + check) == "身份证号校验位不正确"


@relaxed
@given(valid_ids(), st.integers(min_value=1, max_value=400))
def test_birth_date_other_than_the_ids_is_refused(case: tuple[str, datetime.date], days: int) -> None:
    id_number, birth = case
    other = birth - datetime.timedelta(days=days)
    assert id_number_error(id_number, birth_date=other) == "出生日期与身份证号不一致"


@relaxed
@given(valid_ids())
def test_clean_takes_gender_and_birth_from_the_id(case: tuple[str, datetime.date]) -> None:
    id_number, birth = case
    data = VolunteerData(name="甲", id_number=id_number, phone="13800138000", political_status="masses")
    values, errors = volunteer_clean(data, today=TODAY)
    if errors:  # only the minor rules may apply to a generated birth date
        assert set(errors) <= {
            "guardian_name",
            "guardian_phone",
            "guardian_consent_date",
            "guardian_note",
            "birth_date",
        }
    else:
        assert values["birth_date"] == birth and values["gender"] == id_gender(id_number)


mobiles = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)


@relaxed
@given(mobiles)
def test_mainland_mobiles_pass_in_any_common_spelling(phone: str) -> None:
    assert phone_error(phone) is None
    for spelling in (f"+86{phone}", f"86{phone}", f"{phone[:3]} {phone[3:7]} {phone[7:]}", f"{phone[:3]}-{phone[3:]}"):
        assert phone_error(spelling) is None
        assert normalize_phone(spelling) == phone


@relaxed
@given(st.from_regex(r"\d{1,10}|[1-79]\d{11,14}|1[0-2]\d{9}|[02-9]\d{10}", fullmatch=True))
def test_wrong_length_or_prefix_fails(phone: str) -> None:
    assert phone_error(phone) == "手机号应为11位中国大陆手机号码"


@relaxed
@given(mobiles, st.sampled_from("abcX#."))
def test_letters_in_a_phone_fail(phone: str, junk: str) -> None:
    assert phone_error(phone[:5] + junk + phone[6:]) is not None
