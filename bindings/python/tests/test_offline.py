"""Offline helpers, code names and the exception classes, checked against
independent computations (hashlib) and the loaded library's own table."""

import base64
import hashlib
import re

import pytest

import wxface

NAME = "张三"
NUMBER = "11010519491231002X"


def test_normalize_accepts_lower_case_x_full_width_digits_and_spaces():
    assert wxface.normalize_id_card("11010519491231002x") == NUMBER
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in NUMBER)
    assert wxface.normalize_id_card("  %s " % full_width) == NUMBER


@pytest.mark.parametrize(
    "bad",
    ["110105194912310021", "1101051949123100", "11010519491331002X", "11010519491231002Y", ""],
    ids=["checksum", "short", "month_13", "letter", "empty"],
)
def test_normalize_rejects_invalid_numbers_with_invalid_id_card(bad):
    with pytest.raises(wxface.InvalidIdCard) as info:
        wxface.normalize_id_card(bad)
    assert info.value.code_name == "WXFACE_ERR_INVALID_ID_CARD"
    # The message is masked: never the whole number.
    assert bad == "" or bad not in info.value.message


def test_invalid_id_card_is_also_a_value_error():
    with pytest.raises(ValueError, match="INVALID_ID_CARD"):
        wxface.normalize_id_card("110105194912310021")


def test_md5_id_card_number_hashes_the_normalised_number():
    expected = hashlib.md5(NUMBER.encode()).hexdigest()
    assert wxface.md5_id_card_number(NUMBER) == expected
    assert wxface.md5_id_card_number(NUMBER.lower()) == expected


def test_md5_name_hashes_the_utf8_bytes():
    assert wxface.md5_name(NAME) == hashlib.md5(NAME.encode("utf-8")).hexdigest()


def test_cert_hash_follows_the_2_0_recipe():
    parts = [("cert_type", "IDENTITY_CARD"), ("cert_name", NAME), ("cert_no", NUMBER)]
    joined = "&".join("%s=%s" % (k, base64.b64encode(v.encode()).decode()) for k, v in parts)
    assert wxface.cert_hash("IDENTITY_CARD", NAME, NUMBER) == hashlib.sha256(joined.encode()).hexdigest()


def test_version_is_the_libraries_semver():
    assert re.fullmatch(r"\d+\.\d+\.\d+", wxface.version())
    assert wxface.version().split(".")[0] == "0"


def test_code_names_come_from_the_library():
    assert wxface.code_name(0) == "WXFACE_OK"
    assert wxface.code_name(32) == "WXFACE_ERR_NAME_MISMATCH"
    assert wxface.code_name(12345) == "WXFACE_ERR_UNKNOWN"
    assert wxface.code_name(1 << 40) == "WXFACE_ERR_UNKNOWN"
    assert wxface.code_description(31)
    with pytest.raises(TypeError):
        wxface.code_name("32")  # type: ignore[arg-type]
