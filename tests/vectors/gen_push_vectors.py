#!/usr/bin/env python3
"""Cross-implementation vectors for wxface's push code, made with wechatpy.

wechatpy (PyPI) is an independent implementation of WeChat's message
encryption. This script uses its PrpCrypto / WeChatCrypto / WeChatSigner to
build face_identify pushes, plus hostile variants crafted with the same
primitives, and writes them where tests/push.rs reads them:

    python3 tests/vectors/gen_push_vectors.py            # rewrite the vector files
    python3 tests/vectors/gen_push_vectors.py --check tests/vectors/push_sealed.tsv

--check goes the other way: wechatpy verifies and decrypts every push in a
file that wxface's seal() wrote (see tests/push.rs), and compares the
verify_result.

File format (UTF-8, tab-separated): `# key=value` header lines give the
configuration (an empty aes_key means none), then one vector per line:
name, expected code name, query, body in base64, expected verify_result
or `-`. Timestamps are fixed, so vectors are opened with max_skew_s = 0.
Output is deterministic: the 16 random bytes are fixed per vector.
"""

import argparse
import base64
import json
import os
import struct
import sys
from urllib.parse import parse_qs, quote

import xmltodict
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.crypto.cryptography import WeChatCipher
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import WeChatSigner, check_signature

HERE = os.path.dirname(os.path.abspath(__file__))

TOKEN = "wxfaceToken2024"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
APPID = "wx5d7c3f1e2b4a6980"
OTHER_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
TIMESTAMP = "1703657835"
NONCE = "1320562132"
VERIFY_RESULT = "XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60cEB6Bp4ggOG-ZaiNeOTdkEORjL7HaC9ZMUMIzjcnQ"
OK = "WXFACE_OK"
SIGNATURE = "WXFACE_ERR_PUSH_SIGNATURE"
DECRYPT = "WXFACE_ERR_PUSH_DECRYPT"
APPID_ERR = "WXFACE_ERR_PUSH_APPID"
FORMAT = "WXFACE_ERR_PUSH_FORMAT"
CONFIG = "WXFACE_ERR_CONFIG"


def key_bytes(encoding_aes_key):
    return base64.b64decode(encoding_aes_key + "=")


class FixedRandomPrp(PrpCrypto):
    """wechatpy's PrpCrypto with a fixed random prefix, so output is stable."""

    def __init__(self, key, random16):
        super().__init__(key)
        self.random16 = random16

    def get_random_string(self):
        return self.random16


def wechatpy_encrypt(message, random16="wxfacevectors000", key=AES_KEY, appid=APPID):
    return FixedRandomPrp(key_bytes(key), random16).encrypt(message, appid).decode()


def raw_encrypt(plaintext, key=AES_KEY):
    """AES-256-CBC over already padded bytes: for crafting broken padding."""
    assert len(plaintext) % 32 == 0
    return base64.b64encode(WeChatCipher(key_bytes(key)).encrypt(plaintext)).decode()


def pkcs7_32(data):
    n = 32 - len(data) % 32
    return data + bytes([n]) * n


def frame(message, appid=APPID, random16=b"wxfacevectors000", length=None):
    length = len(message) if length is None else length
    return random16 + struct.pack(">I", length) + message + appid.encode()


def sign(*parts):
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def event(verify_result=VERIFY_RESULT, out_seq_no="test1234"):
    return {
        "ToUserName": "gh_3f1c9a7b2e4d",
        "FromUserName": "oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM",
        "CreateTime": 1703657835,
        "MsgType": "event",
        "Event": "face_identify",
        "openid": "oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM",
        "out_seq_no": out_seq_no,
        "verify_result": verify_result,
    }


def to_json(fields):
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def to_xml(fields, pretty=False):
    sep = "\n" if pretty else ""
    parts = ["<xml>"]
    for name, value in fields.items():
        text = str(value) if isinstance(value, int) else "<![CDATA[%s]]>" % value
        parts.append("<%s>%s</%s>" % (name, text, name))
    parts.append("</xml>")
    return sep.join(parts)


def query(timestamp=TIMESTAMP, nonce=NONCE, encrypt=None, token=TOKEN, extra=""):
    """The query WeChat sends: signature always, msg_signature with Encrypt."""
    q = "signature=%s&timestamp=%s&nonce=%s" % (sign(token, timestamp, nonce), quote(timestamp), quote(nonce))
    if encrypt is not None:
        q += "&encrypt_type=aes&msg_signature=%s" % sign(token, timestamp, nonce, encrypt)
    return q + extra


def safe_body(fmt, encrypt, to_user="gh_3f1c9a7b2e4d"):
    fields = {"ToUserName": to_user, "Encrypt": encrypt}
    return to_json(fields) if fmt == "json" else to_xml(fields)


def encrypted_vectors():
    """Opened with the key configured."""
    vs = []

    def add(name, code, q, body, verify_result="-"):
        if isinstance(body, str):
            body = body.encode()
        vs.append((name, code, q, body, verify_result))

    def safe(name, code, encrypt, fmt="json", verify_result="-", **kw):
        add(name, code, query(encrypt=encrypt, **kw), safe_body(fmt, encrypt), verify_result)

    # Valid pushes, encrypted by wechatpy.
    for fmt, serialize in (("json", to_json), ("xml", to_xml)):
        enc = wechatpy_encrypt(serialize(event()))
        safe("%s_safe_face_identify" % fmt, OK, enc, fmt, VERIFY_RESULT)
        # Compatible mode: the plaintext beside Encrypt is unsigned and here
        # lies; the encrypted verify_result must win.
        forged = dict(event(verify_result="FORGED-IN-PLAINTEXT"), Encrypt=enc)
        add("%s_compatible_uses_the_encrypted_part" % fmt, OK, query(encrypt=enc), serialize(forged), VERIFY_RESULT)
    unicode_event = event(out_seq_no="挂号-20231227-中文")
    safe("json_safe_utf8_fields", OK, wechatpy_encrypt(to_json(unicode_event)), "json", VERIFY_RESULT)
    pretty = '<?xml version="1.0" encoding="UTF-8"?>\n' + to_xml(event(), pretty=True)
    safe("xml_safe_pretty_printed_message", OK, wechatpy_encrypt(pretty), "xml", VERIFY_RESULT)
    # wechatpy's own envelope (Encrypt, MsgSignature, TimeStamp, Nonce).
    reply = WeChatCrypto(TOKEN, AES_KEY, APPID)
    reply_xml = reply._encrypt_message(to_xml(event()), NONCE, TIMESTAMP,
                                       lambda key: FixedRandomPrp(key, "wxfaceenvelope00"))
    parsed = xmltodict.parse(reply_xml)["xml"]
    add("xml_wechatpy_envelope", OK,
        "signature=%s&timestamp=%s&nonce=%s&encrypt_type=aes&msg_signature=%s"
        % (sign(TOKEN, TIMESTAMP, NONCE), TIMESTAMP, NONCE, parsed["MsgSignature"]),
        reply_xml, VERIFY_RESULT)
    enc = wechatpy_encrypt(to_json(event()))
    add("uppercase_msg_signature_and_extra_params", OK,
        "openid=oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM&signature=%s&timestamp=%s&nonce=%s&encrypt_type=aes&msg_signature=%s"
        % (sign(TOKEN, TIMESTAMP, NONCE), TIMESTAMP, NONCE, sign(TOKEN, TIMESTAMP, NONCE, enc).upper()),
        safe_body("json", enc), VERIFY_RESULT)

    msg = to_json(event()).encode()

    # Ciphertext and base64.
    safe("bad_base64_encrypt", DECRYPT, "not*base64!")
    safe("encrypt_without_base64_padding", DECRYPT, enc.rstrip("="))
    safe("empty_encrypt", DECRYPT, "")
    safe("truncated_ciphertext_by_16_bytes", DECRYPT,
         base64.b64encode(base64.b64decode(enc)[:-16]).decode())
    safe("truncated_ciphertext_by_32_bytes", DECRYPT,
         base64.b64encode(base64.b64decode(enc)[:-32]).decode())
    safe("truncated_base64_text", DECRYPT, enc[:-4])
    safe("ciphertext_of_one_aes_block", DECRYPT, base64.b64encode(base64.b64decode(enc)[:16]).decode())
    wrong_key = None
    for i in range(100):
        candidate = wechatpy_encrypt(msg.decode(), random16="wrongkey%08d" % i, key=OTHER_KEY)
        plain = WeChatCipher(key_bytes(AES_KEY)).decrypt(base64.b64decode(candidate))
        pad = plain[-1]
        if not (1 <= pad <= 32 and plain[-pad:] == bytes([pad]) * pad):
            wrong_key = candidate
            break
    safe("encrypted_with_another_key", DECRYPT, wrong_key)

    # Padding: trailing spaces (valid JSON) make the pad exactly 8 bytes.
    spaced = msg + b" " * ((24 - len(frame(msg)) % 32) % 32)
    framed = frame(spaced)
    n = 8
    assert len(pkcs7_32(framed)) - len(framed) == n
    safe("pad_byte_zero", DECRYPT, raw_encrypt(framed + b"\x00" * n))
    safe("pad_byte_33", DECRYPT, raw_encrypt(framed + b"\x21" * n))
    safe("pad_bytes_not_all_equal", DECRYPT, raw_encrypt(framed + b"\x01" * (n - 1) + bytes([n])))
    safe("pad_32_over_8_pad_bytes", DECRYPT, raw_encrypt(framed + bytes([32]) * n))
    safe("pad_8_valid_control", OK, raw_encrypt(framed + bytes([n]) * n), "json", VERIFY_RESULT)

    # Length field.
    safe("length_field_larger_than_plaintext", DECRYPT,
         raw_encrypt(pkcs7_32(frame(msg, length=len(msg) + len(APPID) + 1))))
    safe("length_field_max_u32", DECRYPT, raw_encrypt(pkcs7_32(frame(msg, length=0xFFFFFFFF))))
    safe("plaintext_shorter_than_its_header", DECRYPT, raw_encrypt(pkcs7_32(b"0123456789abcdef\x00\x00")))

    # Appid tail.
    safe("wrong_appid", APPID_ERR, wechatpy_encrypt(msg.decode(), appid="wx0000000000000000"))
    safe("appid_tail_truncated", APPID_ERR, raw_encrypt(pkcs7_32(frame(msg, appid=APPID[:-1]))))
    safe("appid_tail_with_extra_bytes", APPID_ERR, raw_encrypt(pkcs7_32(frame(msg, appid=APPID + "x"))))
    safe("length_field_shorter_than_message", APPID_ERR, raw_encrypt(pkcs7_32(frame(msg, length=len(msg) - 1))))

    # The decrypted message.
    safe("invalid_utf8_in_plaintext", FORMAT,
         raw_encrypt(pkcs7_32(frame(b'{"Event":"face_identify","out_seq_no":"\xff\xfe"}'))))
    safe("plaintext_neither_json_nor_xml", FORMAT, wechatpy_encrypt("face_identify verify_result=abc"))
    safe("plaintext_json_array", FORMAT, wechatpy_encrypt("[1,2,3]"))
    safe("plaintext_xml_with_doctype", FORMAT,
         wechatpy_encrypt('<?xml version="1.0"?><!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml><A>1</A></xml>'), "xml")
    laughs = ('<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><xml><verify_result>&c;</verify_result></xml>')
    safe("plaintext_xml_entity_expansion", FORMAT, wechatpy_encrypt(laughs), "xml")
    safe("plaintext_xml_undeclared_entity", FORMAT, wechatpy_encrypt("<xml><A>&xxe;</A></xml>"), "xml")
    safe("plaintext_xml_root_not_xml", FORMAT, wechatpy_encrypt("<root><A>1</A></root>"), "xml")

    # Signatures and the query.
    other = wechatpy_encrypt(to_json(event(verify_result="ANOTHER")), random16="anotherbody00000")
    add("msg_signature_of_another_body", SIGNATURE, query(encrypt=other), safe_body("json", enc))
    add("msg_signature_with_another_token", SIGNATURE, query(encrypt=enc, token="notTheToken"), safe_body("json", enc))
    add("signature_only_for_an_encrypted_body", SIGNATURE, query(), safe_body("json", enc))
    add("signature_only_for_a_compatible_body", SIGNATURE, query(),
        to_json(dict(event(), Encrypt=enc)))
    add("msg_signature_empty", SIGNATURE, query() + "&encrypt_type=aes&msg_signature=", safe_body("json", enc))
    add("plain_body_refused_when_a_key_is_set", SIGNATURE, query(), to_json(event()))
    full = query(encrypt=enc)
    add("missing_timestamp", SIGNATURE, full.replace("&timestamp=%s" % TIMESTAMP, ""), safe_body("json", enc))
    add("missing_nonce", SIGNATURE, full.replace("&nonce=%s" % NONCE, ""), safe_body("json", enc))
    add("empty_query", SIGNATURE, "", safe_body("json", enc))
    add("duplicate_msg_signature", SIGNATURE, full + "&msg_signature=" + sign(TOKEN, TIMESTAMP, NONCE, enc),
        safe_body("json", enc))
    add("duplicate_timestamp", SIGNATURE, full + "&timestamp=" + TIMESTAMP, safe_body("json", enc))
    add("duplicate_nonce_with_another_value", SIGNATURE, full + "&nonce=1", safe_body("json", enc))
    add("malformed_percent_escape", SIGNATURE, full + "&x=%G0", safe_body("json", enc))
    add("timestamp_not_decimal", SIGNATURE, query(timestamp="0x65", encrypt=enc), safe_body("json", enc))
    add("negative_timestamp", SIGNATURE, query(timestamp="-1703657835", encrypt=enc), safe_body("json", enc))

    # The outer body.
    add("encrypt_type_aes_without_encrypt", FORMAT, query() + "&encrypt_type=aes", to_json(event()))
    add("encrypt_not_text", FORMAT, query(encrypt="5"), '{"ToUserName":"gh_3f1c9a7b2e4d","Encrypt":5}')
    add("empty_body", FORMAT, query(encrypt=enc), "")
    add("body_neither_json_nor_xml", FORMAT, query(encrypt=enc), "Encrypt=" + enc)
    add("body_json_array", FORMAT, query(encrypt=enc), "[" + json.dumps(enc) + "]")
    add("body_invalid_utf8", FORMAT, query(encrypt=enc), b'{"Encrypt":"\xff"}')
    add("outer_xml_with_doctype", FORMAT, query(encrypt=enc),
        '<!DOCTYPE xml [<!ENTITY e "x">]>' + safe_body("xml", enc))
    add("outer_xml_undeclared_entity", FORMAT, query(encrypt=enc),
        "<xml><ToUserName>&e;</ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>" % enc)
    add("outer_xml_unclosed", FORMAT, query(encrypt=enc), safe_body("xml", enc)[:-6])
    return vs


def plain_vectors():
    """Opened without a key (plain mode)."""
    vs = []

    def add(name, code, q, body, verify_result="-"):
        vs.append((name, code, q, body.encode() if isinstance(body, str) else body, verify_result))

    add("json_plain_face_identify", OK, query(), to_json(event()), VERIFY_RESULT)
    add("xml_plain_face_identify", OK, query(), to_xml(event()), VERIFY_RESULT)
    add("plain_signature_with_another_token", SIGNATURE, query(token="notTheToken"), to_json(event()))
    add("plain_missing_signature", SIGNATURE,
        "timestamp=%s&nonce=%s" % (TIMESTAMP, NONCE), to_json(event()))
    add("plain_duplicate_signature", SIGNATURE, query() + "&signature=" + sign(TOKEN, TIMESTAMP, NONCE),
        to_json(event()))
    add("plain_signature_of_other_nonce", SIGNATURE,
        query().replace("nonce=%s" % NONCE, "nonce=1"), to_json(event()))
    enc = wechatpy_encrypt(to_json(event()))
    add("encrypted_push_without_a_configured_key", CONFIG, query(encrypt=enc), safe_body("json", enc))
    add("plain_xml_with_doctype", FORMAT, query(),
        '<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><A>&e;</A></xml>')
    return vs


def write(path, aes_key, vectors, comment):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# %s\n" % comment)
        f.write("# Written by tests/vectors/gen_push_vectors.py (wechatpy); do not edit by hand.\n")
        f.write("# Open with max_skew_s = 0. Columns: name, code, query, body_base64, verify_result or -.\n")
        f.write("# token=%s\n# aes_key=%s\n# appid=%s\n" % (TOKEN, aes_key, APPID))
        for name, code, q, body, vr in vectors:
            assert "\t" not in q and "\n" not in q, name
            f.write("\t".join([name, code, q, base64.b64encode(body).decode(), vr]) + "\n")
    print("wrote %d vectors to %s" % (len(vectors), path))


def read(path):
    config, vectors = {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# ") and "=" in line and " " not in line[2:].split("=", 1)[0]:
                k, v = line[2:].split("=", 1)
                config[k] = v
            elif line and not line.startswith("#"):
                vectors.append(line.split("\t"))
    return config, vectors


def check(path):
    """wechatpy verifies and decrypts pushes that wxface sealed."""
    config, vectors = read(path)
    crypto = WeChatCrypto(config["token"], config["aes_key"], config["appid"]) if config.get("aes_key") else None
    passed = failed = 0
    for name, code, q, body_b64, expected in vectors:
        params = {k: v[0] for k, v in parse_qs(q, keep_blank_values=True).items()}
        body = base64.b64decode(body_b64).decode("utf-8")
        try:
            check_signature(config["token"], params["signature"], params["timestamp"], params["nonce"])
            outer = json.loads(body) if body.lstrip().startswith("{") else xmltodict.parse(body)["xml"]
            if "Encrypt" in outer:
                message = crypto.decrypt_message(outer, params["msg_signature"], params["timestamp"], params["nonce"])
            else:
                message = body
            fields = json.loads(message) if message.lstrip().startswith("{") else xmltodict.parse(message)["xml"]
            ok = code == "WXFACE_OK" and fields.get("verify_result", "-") == expected
        except (InvalidSignatureException, KeyError, ValueError) as e:
            print("%s: %r" % (name, e))
            ok = False
        print("%s %s" % ("ok  " if ok else "FAIL", name))
        passed, failed = passed + ok, failed + (not ok)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", metavar="TSV", help="decrypt pushes sealed by wxface with wechatpy")
    args = parser.parse_args()
    if args.check:
        return check(args.check)
    write(os.path.join(HERE, "push_vectors.tsv"), AES_KEY, encrypted_vectors(),
          "Encrypted (safe and compatible mode) face_identify pushes and hostile variants.")
    write(os.path.join(HERE, "push_vectors_plain.tsv"), "", plain_vectors(),
          "Plain-mode pushes, opened with no EncodingAESKey configured.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
