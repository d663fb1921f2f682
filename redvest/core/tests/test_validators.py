from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from redvest.core.crypto import blind_index, decrypt, encrypt, mask_id_number, mask_name, mask_phone
from redvest.core.validators import id_check_digit, id_gender, id_number_error, normalize_phone, phone_error

areas = st.sampled_from(["330522", "330102", "110101", "440305"])
births = st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2020, 12, 31))
seqs = st.integers(min_value=0, max_value=999)


def build_id(area: str, birth: datetime.date, seq: int) -> str:
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


@given(areas, births, seqs)
def test_generated_ids_are_valid_and_match_their_birth_date(area: str, birth: datetime.date, seq: int) -> None:
    number = build_id(area, birth, seq)
    assert id_number_error(number, birth_date=birth) is None
    assert id_gender(number) == ("M" if seq % 2 else "F")


@given(areas, births, seqs, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_breaks_the_checksum(
    area: str, birth: datetime.date, seq: int, pos: int, delta: int
) -> None:
    number = build_id(area, birth, seq)
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    assert id_number_error(changed) is not None


@given(areas, births, seqs)
def test_a_different_birth_date_is_rejected(area: str, birth: datetime.date, seq: int) -> None:
    number = build_id(area, birth, seq)
    assert id_number_error(number, birth_date=birth + datetime.timedelta(days=1)) == "出生日期与身份证号不一致"


def test_malformed_ids_get_chinese_messages() -> None:
    assert id_number_error("12345") == "身份证号应为18位，前17位为数字，最后一位为数字或X"
    assert id_number_error("33052219991332123X") == "身份证号中的出生日期无效"


def test_lowercase_x_is_accepted() -> None:
    first17 = "11010519491231002"
    assert id_check_digit(first17) == "X"
    assert id_number_error(first17 + "x") is None


@given(st.from_regex(r"^1[3-9]\d{9}$", fullmatch=True))
def test_mainland_mobiles_pass(phone: str) -> None:
    assert phone_error(phone) is None
    assert phone_error(f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}") is None


@given(
    st.text(alphabet="0123456789", min_size=0, max_size=15).filter(
        lambda s: not (len(s) == 11 and s[0] == "1" and s[1] in "3456789")
    )
)
def test_other_numbers_fail(value: str) -> None:
    assert phone_error(value) == "手机号应为11位中国大陆手机号码"


def test_normalize_phone_strips_country_code_and_separators() -> None:
    assert normalize_phone("+86 138-1234-5678") == "13812345678"
    assert normalize_phone("8613812345678") == "13812345678"


@given(st.text(min_size=1, max_size=40))
def test_encryption_round_trips_and_is_not_plaintext(value: str) -> None:
    token = encrypt(value)
    assert value not in token or len(value) < 3
    assert decrypt(token) == value


def test_blind_index_is_stable_and_normalised() -> None:
    assert blind_index("33052219800101001x") == blind_index("33052219800101001X ")
    assert blind_index("13812345678") != blind_index("13812345679")


def test_masks() -> None:
    assert mask_id_number("33052219800101123X") == "330***********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("雉城街道") == "雉**道"
    assert mask_name("张三") == "张*"
