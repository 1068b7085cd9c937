"""Hostile arguments only Python can give (wrong types, lone surrogates,
bytes) and the binding's own policies; the bad input every language can
give is in tests/scenarios/bad_input.json (test_scenarios.py)."""

import pytest

import wxface

from .conftest import Sandbox

NAME = "张三"
NUMBER = "11010519491231002X"


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (42, wxface.ArgumentTypeError),
        (["张三"], wxface.ArgumentTypeError),
        (b"\xe5\xbc\xa0\x00", wxface.InvalidArgument),
        ("\ud800", wxface.InvalidEncoding),  # a lone surrogate cannot be UTF-8
    ],
    ids=["int", "list", "nul_in_bytes", "surrogate"],
)
def test_python_values_without_a_c_form_are_refused_before_c(client: wxface.Client, bad, error):
    with pytest.raises(error):
        client.v1_get_user_id_key(bad, NUMBER)
    with pytest.raises(error):
        client.v1_verify("vr", bad, NUMBER)
    with pytest.raises(error):
        client.v2_get_verify_id("seq", "openid", bad, NUMBER)
    with pytest.raises(error):
        wxface.md5_name(bad)


def test_each_refused_argument_of_a_hot_call_is_named(client: wxface.Client):
    # v1_verify and v2_query check their str arguments together first; a
    # refusal must still name the argument at fault, as `text` does alone.
    for position, name in enumerate(("verify_result", "name", "id_card_number")):
        for bad, error, says in (
            ("a\x00b", wxface.InvalidArgument, "contains a NUL"),
            ("\udc80", wxface.InvalidEncoding, "holds a lone surrogate"),
            (7, wxface.ArgumentTypeError, "must be str or bytes, not int"),
        ):
            args = ["vr", NAME, NUMBER]
            args[position] = bad
            with pytest.raises(error) as info:
                client.v1_verify(*args)
            assert info.value.message.startswith("%s %s" % (name, says))
    for position, name in enumerate(("verify_id", "out_seq_no", "openid", "cert_hash")):
        args = ["id", "seq01", "openid", "hash"]
        args[position] = "x\x00"
        with pytest.raises(wxface.InvalidArgument) as info:
            client.v2_query(*args)
        assert info.value.message == "%s contains a NUL character" % name


def test_optional_arguments_accept_none_only_where_the_abi_does(client: wxface.Client):
    with pytest.raises(TypeError):
        client.v1_verify("vr", NAME, NUMBER, user_id_key=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.v2_query(None, "seq", "openid", "hash")  # type: ignore[arg-type]


def test_str_reaches_the_library_as_utf8_and_other_encodings_are_refused(sandbox: Sandbox):
    with pytest.raises(wxface.Config, match="UTF-8"):
        sandbox.client(input_encoding="gbk")
    with sandbox.client(input_encoding="utf-8") as c:
        assert c.v1_get_user_id_key(NAME, NUMBER).user_id_key
        with pytest.raises(wxface.InvalidEncoding):
            c.v1_get_user_id_key(NAME.encode("gbk"), NUMBER)


def test_a_config_files_gbk_does_not_apply_to_python_text(sandbox: Sandbox, tmp_path):
    # A file shared with a GBK program: Python's UTF-8 must still be read
    # as UTF-8, and messages must still come back in UTF-8.
    conf = tmp_path / "wxface.conf"
    conf.write_text("text_encoding=gbk\n", encoding="utf-8")
    with wxface.Client.from_file(conf, **sandbox.settings()) as c:
        key = c.v1_get_user_id_key(NAME, NUMBER).user_id_key
        with pytest.raises(wxface.InvalidEncoding):
            c.v1_get_user_id_key(NAME.encode("gbk"), NUMBER)
        verify_result, openid = sandbox.complete_v1(key)
        with pytest.raises(wxface.NameMismatch, match="李\\*"):
            c.v1_verify(verify_result, "李四", NUMBER, user_id_key=key, openid=openid)


def test_push_arguments_are_checked(push_client: wxface.Client):
    with pytest.raises(TypeError):
        push_client.push_open(None, b"{}")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        push_client.push_open("a=b", None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="NUL"):
        push_client.push_check_url("signature=\x00")
    with pytest.raises(wxface.PushSignature):
        push_client.push_open("", b"\x00\x01 not a push")
    with pytest.raises(wxface.PushTooLarge):
        push_client.push_open("signature=x&timestamp=1&nonce=1", b"x" * (64 * 1024 + 1))
    with pytest.raises(wxface.InvalidArgument):
        push_client.push_seal("{}", format="yaml")
    with pytest.raises(TypeError):
        push_client.push_seal("{}", timestamp="now")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timestamp"):
        push_client.push_seal("{}", timestamp=1 << 70)


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        ({"appid": None}, TypeError),
        ({"appid": True}, TypeError),
        ({"timeout_ms": 1.5}, TypeError),
        ({"appid": "wx\x00"}, ValueError),
        ({"timeout_ms": 0}, wxface.Config),
    ],
    ids=["none", "bool", "float", "nul", "int_zero_timeout"],
)
def test_bad_settings_are_refused(sandbox: Sandbox, settings, error):
    with pytest.raises(error):
        wxface.Client(sandbox.settings(**settings))


def test_a_path_is_not_a_config_mapping(tmp_path):
    with pytest.raises(TypeError, match="from_file"):
        wxface.Client(str(tmp_path / "wxface.conf"))  # type: ignore[arg-type]


def test_with_timeout_checks_its_argument(client: wxface.Client):
    for bad in (0, -1, 1 << 32):
        with pytest.raises(ValueError, match="timeout_ms"):
            client.with_timeout(bad)
    with pytest.raises(TypeError):
        client.with_timeout("500")  # type: ignore[arg-type]


def test_closed_client_raises_a_clear_error(sandbox: Sandbox):
    c = sandbox.client()
    c.close()
    c.close()  # twice is fine
    assert c.closed
    with pytest.raises(wxface.ClientClosedError, match="closed"):
        c.v1_get_user_id_key(NAME, NUMBER)
    with pytest.raises(wxface.ClientClosedError):
        c.with_timeout(100)
