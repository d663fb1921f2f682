"""`decrypt_many` (an export's chunk of tokens at once) gives exactly what `decrypt` gives for each token,
well-formed or not: it is the same Fernet check, done in one pass."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redvest.core.crypto import decrypt, decrypt_many, encrypt

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
# Each example encrypts its values: slow next to the generation on a loaded machine, and not data-dependent.
quick = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@quick
@given(st.lists(texts, max_size=20))
def test_a_chunk_decrypts_to_what_each_token_decrypts_to(values: list[str]) -> None:
    tokens = [encrypt(v) for v in values]
    assert decrypt_many(tokens) == [decrypt(t) for t in tokens] == values


def _flip(token: str, at: int) -> str:
    data = bytearray(base64.urlsafe_b64decode(token))
    data[at % len(data)] ^= 0x01
    return base64.urlsafe_b64encode(bytes(data)).decode()


@quick
@given(st.integers(min_value=0, max_value=200))
def test_a_tampered_token_among_good_ones_reads_as_empty_like_decrypt(at: int) -> None:
    good = [encrypt("330102199001011234"), encrypt("13912345678")]
    bad = _flip(encrypt("雉城街道"), at)
    tokens = [good[0], bad, good[1]]
    assert decrypt_many(tokens) == [decrypt(t) for t in tokens] == ["330102199001011234", "", "13912345678"]


def test_empty_malformed_and_foreign_tokens_read_as_decrypt_reads_them() -> None:
    foreign = Fernet(Fernet.generate_key()).encrypt(b"13912345678").decode()
    tokens = ["", "not base64 !", "gAAAAA", foreign, base64.urlsafe_b64encode(b"\x80" + b"\0" * 80).decode()]
    assert decrypt_many(tokens) == [decrypt(t) for t in tokens] == [""] * len(tokens)


def test_a_long_value_spanning_many_blocks_survives_the_chained_pass() -> None:
    values = ["监护人" * 50, "a" * 16, "b" * 15, "c" * 17, ""]
    assert decrypt_many([encrypt(v) for v in values]) == values
