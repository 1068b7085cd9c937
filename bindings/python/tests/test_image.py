"""getimage (1.0 only; WeChat's 2.0 has none): the photo comes back as bytes (NULs and all);
WeChat's JSON refusals are the usual exceptions."""

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

import wxface
from wxface import _ffi, _native

from .conftest import Sandbox

NAME = "张三"
NUMBER = "11010519491231002X"
GETIMAGE = "/cityservice/face/identify/getimage"
JPEG_START = b"\xff\xd8\xff"
JPEG_END = b"\xff\xd9"


def finished_v1(client: wxface.Client, sandbox: Sandbox) -> str:
    key = client.v1_get_user_id_key(NAME, NUMBER)
    verify_result, _ = sandbox.complete_v1(key.user_id_key)
    return verify_result


def assert_whole_jpeg(image: wxface.Image) -> None:
    assert isinstance(image.data, bytes)
    assert image.data.startswith(JPEG_START)
    # The whole photo, not cut at its first NUL byte.
    assert image.data.endswith(JPEG_END)
    assert b"\x00" in image.data
    assert image.content_type == "image/jpeg"


def test_v1_image_after_a_finished_verification_is_a_jpeg(client: wxface.Client, sandbox: Sandbox):
    image = client.v1_get_image(finished_v1(client, sandbox))
    assert_whole_jpeg(image)


def test_v1_image_can_be_fetched_after_the_verdict(client: wxface.Client, sandbox: Sandbox):
    key = client.v1_get_user_id_key(NAME, NUMBER)
    verify_result, openid = sandbox.complete_v1(key.user_id_key)
    client.v1_verify(verify_result, NAME, NUMBER, user_id_key=key.user_id_key, openid=openid)
    assert_whole_jpeg(client.v1_get_image(verify_result))


def test_the_generic_reader_keeps_the_binary_image_as_bytes(client: wxface.Client, sandbox: Sandbox):
    verify_result = finished_v1(client, sandbox).encode()
    with client._use() as h:
        answer = _ffi.call_for_response(_native.lib().wxface_v1_get_image, h, verify_result)
    assert "image" not in answer.fields
    assert answer.fields["content_type"] == "image/jpeg"
    assert answer.blobs["image"].startswith(JPEG_START)
    assert answer.blobs["image"].endswith(JPEG_END)


def test_an_image_is_immutable_and_its_repr_holds_no_photo(client: wxface.Client, sandbox: Sandbox):
    verify_result = finished_v1(client, sandbox)
    image = client.v1_get_image(verify_result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        image.data = b""  # type: ignore[misc]
    text = repr(image)
    assert text == "Image(content_type='image/jpeg', %d bytes)" % len(image.data)
    assert verify_result not in text
    assert image == wxface.Image(image.data, "image/jpeg")


def test_v1_image_of_an_unknown_verify_result_is_verify_result_invalid(client: wxface.Client):
    with pytest.raises(wxface.VerifyResultInvalid) as info:
        client.v1_get_image("forged-by-the-front-end-0000")
    assert info.value.code_name == "WXFACE_ERR_VERIFY_RESULT_INVALID"
    assert info.value.wechat_errcode == 84001
    assert "forged-by-the-front-end-0000" not in str(info.value)


def test_there_is_no_2_0_getimage(client: wxface.Client):
    # WeChat's 2.0 API has no getimage: 0.2 removed it from the library.
    assert not hasattr(client, "v2_get_image")
    assert not hasattr(wxface._native.lib(), "wxface_v2_get_image")


def test_an_http_error_on_getimage_carries_the_status(clean_sandbox: Sandbox, client: wxface.Client):
    verify_result = finished_v1(client, clean_sandbox)
    clean_sandbox.fault(path=GETIMAGE, kind="http_status", status=500, count=1)
    with pytest.raises(wxface.Http) as info:
        client.v1_get_image(verify_result)
    assert info.value.http_status == 500
    assert_whole_jpeg(client.v1_get_image(verify_result))


@pytest.mark.parametrize(
    ("bad", "error"),
    [(None, TypeError), (42, TypeError), ("vr\x00", ValueError), ("", wxface.InvalidArgument)],
    ids=["none", "int", "nul", "empty"],
)
def test_bad_getimage_arguments_raise_python_errors(client: wxface.Client, bad, error):
    with pytest.raises(error):
        client.v1_get_image(bad)


def test_eight_threads_fetch_images_through_one_client(client: wxface.Client, sandbox: Sandbox):
    results = [finished_v1(client, sandbox) for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        images = list(pool.map(client.v1_get_image, results * 4))
    assert len(images) == 32
    assert all(image == images[0] for image in images)
    assert_whole_jpeg(images[0])
