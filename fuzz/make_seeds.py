#!/usr/bin/env python3
"""Writes fuzz/seeds/<target>/ from the project's own test data.

The push vectors (tests/vectors/*.tsv) are sealed with their own key and
appid; the fuzz targets open with Tencent's sample key and appid, so each
vector's plaintext block is decrypted and re-encrypted byte for byte (pad
and length tricks included) with the sample key, its appid swapped for the
sample one (both are 18 characters). Needs python3-cryptography.

Run from anywhere: python3 fuzz/make_seeds.py
"""
import base64
import hashlib
import json
import os
import re
import unicodedata

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SEEDS = os.path.join(HERE, "seeds")
SAMPLE_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
SAMPLE_APPID = "wxb11529c136998cb6"
TOKEN = "wxfaceToken2024"


def key_bytes(encoding_aes_key):
    return base64.b64decode(encoding_aes_key + "=")


def aes(key, data, decrypt):
    c = Cipher(algorithms.AES(key), modes.CBC(key[:16]))
    op = c.decryptor() if decrypt else c.encryptor()
    return op.update(data) + op.finalize()


def sign(*parts):
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def read_tsv(name):
    meta, rows = {}, []
    with open(os.path.join(ROOT, "tests", "vectors", name), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"# (token|aes_key|appid)=(.*)", line)
            if m:
                meta[m.group(1)] = m.group(2)
            elif line and not line.startswith("#"):
                rows.append(line.split("\t"))
    return meta, rows


def write(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def encrypt_value(body):
    """The Encrypt text of a JSON or XML envelope, or None."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    m = re.search(r'"Encrypt"\s*:\s*"([^"]*)"', text) or re.search(
        r"<Encrypt><!\[CDATA\[(.*?)\]\]></Encrypt>", text, re.S
    )
    return m.group(1) if m else None


def reseal(body, meta):
    """The body re-encrypted for the sample key and appid, with the inner
    message, or (None, None) when its Encrypt does not decrypt."""
    enc = encrypt_value(body)
    if not enc:
        return None, None
    try:
        raw = base64.b64decode(enc, validate=True)
    except ValueError:
        return None, None
    if not raw or len(raw) % 16:
        return None, None
    plain = aes(key_bytes(meta["aes_key"]), raw, True)
    plain = plain.replace(meta["appid"].encode(), SAMPLE_APPID.encode())
    new = base64.b64encode(aes(key_bytes(SAMPLE_KEY), plain, False)).decode()
    n = int.from_bytes(plain[16:20], "big") if len(plain) >= 20 else -1
    inner = plain[20 : 20 + n] if 0 <= n <= len(plain) - 20 else None
    return body.replace(enc.encode(), new.encode()), inner


def push_seeds():
    for tsv in ["push_vectors.tsv", "push_vectors_plain.tsv", "push_sealed.tsv"]:
        meta, rows = read_tsv(tsv)
        plain_cfg = not meta.get("aes_key")
        for row in rows:
            name, _code, query, body_b64 = row[0], row[1], row[2], row[3]
            body = base64.b64decode(body_b64)
            stem = f"{tsv.split('.')[0]}-{name}"
            flag = 2 if plain_cfg else 0
            write("push_open", stem, bytes([flag]) + query.encode() + b"\n" + body)
            write("push_event", stem, body)
            if plain_cfg:
                write("push_message", stem, b"\x00" + body)
                write("push_message", stem + "-xml-compatible", b"\x03" + body)
                continue
            resealed, inner = reseal(body, meta)
            if resealed is not None:
                # Bit 0: the target re-signs, since the ciphertext changed.
                write("push_open", stem + "-sample-key", b"\x05" + query.encode() + b"\n" + resealed)
            if inner:
                write("push_message", stem, b"\x02" + inner)
                write("push_event", stem + "-inner", inner)
    # Tencent's own sample ciphertext: decrypts, but holds no JSON or XML.
    sample = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
    ts, nonce = "1703657835", "1320562132"
    q = f"signature={sign(TOKEN, ts, nonce)}&timestamp={ts}&nonce={nonce}&encrypt_type=aes&msg_signature={sign(TOKEN, ts, nonce, sample)}"
    body = json.dumps({"ToUserName": "gh_x", "Encrypt": sample}).encode()
    write("push_open", "tencent-sample", b"\x00" + q.encode() + b"\n" + body)
    echo = f"signature={sign(TOKEN, ts, nonce)}&timestamp={ts}&nonce={nonce}&echostr=5838479218127813673"
    write("push_open", "url-check", b"\x04" + echo.encode() + b"\n")


def id_card_seeds():
    # From src/id_card.rs's tests, plus a 15-digit legacy number.
    ids = {
        "canonical": "11010519491231002X",
        "lower-x-spaces": " 11010519491231002x ",
        "full-width": "１１０１０５１９４９１２３１００２Ｘ",
        "ideographic-space-tab": "\u300011010519491231002X\t",
        "wrong-check": "110105194912310021",
        "feb-30": "110105194902300000",
        "month-13": "110105194913010000",
        "1900-feb-29": "110105190002290000",
        "leap-day-2000": "110105200002290013",
        "legacy-15": "110105491231002",
        "x-inside": "1101051949X231002X",
    }
    for name, v in ids.items():
        write("id_card", name, v.encode())


def response_seeds():
    getinfo = {
        "errcode": 0, "errmsg": "ok", "identify_ret": 0, "identify_time": 1703657835,
        "validate_data": "8 6 2 5", "openid": "oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM",
        "user_id_key": "d5cMWnnzXmM9HqWk", "finish_time": 1703657835,
        "id_card_number_md5": hashlib.md5(b"11010519491231002X").hexdigest(),
        "name_utf8_md5": hashlib.md5("张三".encode()).hexdigest(),
    }
    samples = {
        "getinfo-passed": json.dumps(getinfo, ensure_ascii=False),
        "getinfo-not-passed": json.dumps({**getinfo, "identify_ret": 10004}),
        "getinfo-text-numbers": json.dumps({**getinfo, "identify_ret": " 0 ", "finish_time": "1703657835"}),
        "getinfo-float-and-huge": '{"errcode":0,"identify_ret":0.0,"finish_time":-9223372036854775808,"x":18446744073709551615}',
        "getuseridkey": '{"errcode":0,"errmsg":"ok","user_id_key":"d5cMWnnzXmM9HqWk","expires_in":3600}',
        "v2-getverifyid": '{"errcode":0,"errmsg":"ok","verify_id":"vid-1","expires_in":7200}',
        "v2-query": '{"errcode":0,"errmsg":"ok","verify_ret":10000}',
        "token": '{"access_token":"ACCESS_TOKEN_abc-_123","expires_in":7200}',
        "errcode-40001": '{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest rid: 6543a1b2-0c8d9e7f6a5b"}',
        "errcode-minus-1": '{"errcode":-1,"errmsg":"system error"}',
        "errmsg-with-id": '{"errcode":84002,"errmsg":"user info expired 张三 11010519491231002X"}',
        "seed-missing-comma": '{"errcode":0 "errmsg":"ok"}',
        "duplicate-keys": '{"errcode":0,"errcode":45009,"errmsg":"a","errmsg":"b"}',
        "nested": '{"errcode":0,"data":{"a":[1,2,{"b":null}]},"ok":true,"f":1e400}',
        "truncated": '{"errcode":0,"errmsg":"o',
        # Shapes a verdict must refuse: numbers that are not JSON integers,
        # numbers as text, duplicates at any depth, NUL in text.
        "errcode-float": json.dumps(getinfo).replace('"errcode": 0', '"errcode": 84001.0'),
        "errcode-exponent": '{"errcode":1e20,"errmsg":"ok","verify_ret":10000}',
        "errcode-text": '{"errcode":"0","errmsg":"ok","verify_ret":10000}',
        "errcode-null-true": '{"errcode":null,"errmsg":true,"verify_ret":10000}',
        "v2-errcode-float": '{"errcode":40097.0,"errmsg":"invalid args","verify_ret":10000}',
        "verify-ret-text": '{"errcode":0,"errmsg":"ok","verify_ret":"10000"}',
        "identify-ret-nbsp": json.dumps({**getinfo, "identify_ret": "\u00a00"}),
        "duplicate-identify-ret": '{"identify_ret":1,' + json.dumps(getinfo)[1:],
        "duplicate-escaped-name": '{"verify_ret":10004,"errcode":0,"verify\\u005fret":10000}',
        "duplicate-nested": '{"errcode":0,"data":[{"a":1},{"b":{"c":1,"c":2}}]}',
        "text-with-nul": '{"errcode":0,"errmsg":"o\\u0000k"}',
        # Many tiny fields (the fuzzer's inputs stop at 8 KiB).
        "many-fields": "{" + ",".join(f'"x{i:04}":1' for i in range(700)) + "}",
    }
    for name, v in samples.items():
        write("wechat_response", name, v.encode())


def config_seeds():
    samples = {
        "minimal": "appid=wx5d7c3f1e2b4a6980\nsecret=0123456789abcdef0123456789abcdef\n",
        "full": "# wxface.conf\n\nappid = wx5d7c3f1e2b4a6980\nsecret = s3cr3t\ntoken_endpoint=legacy\n"
        "api_base=http://127.0.0.1:8080/\nproxy=http://user:pass@127.0.0.1:3128\n"
        "ca_file=/etc/ssl/ca.pem\nconnect_timeout_ms=2000\ntimeout_ms=8000\nmax_retries=3\n"
        "max_result_age_s=300\nreplay_cache_size=1000\ninput_encoding=gb18030\n"
        f"push_token={TOKEN}\npush_aes_key={SAMPLE_KEY}\npush_max_skew_s=60\nlog_level=trace\n",
        "access-token": "access_token=ACCESS_TOKEN_abc\r\nproxy=none\r\n",
        "socks": "proxy=socks5h://127.0.0.1:1080\ninput_encoding=gbk\n",
        "bad-line-3": "appid=wx1\n# c\ntimeout_ms=fast\n",
        "unknown-key": "apikey=123\n",
        "no-equals": "appid wx1\n",
        "bad-secret-values": "push_aes_key=tooshort-secret\n",
        "empty-values": "proxy=\nca_file=\nsecret=\n",
    }
    for name, v in samples.items():
        write("config", name, v.encode())


def main():
    # Shrunk crash inputs (regression-*) are kept; everything else is rewritten.
    for root, _dirs, files in os.walk(SEEDS):
        for f in files:
            if not f.startswith("regression-"):
                os.remove(os.path.join(root, f))
    push_seeds()
    id_card_seeds()
    response_seeds()
    config_seeds()
    for t in sorted(os.listdir(SEEDS)):
        print(t, len(os.listdir(os.path.join(SEEDS, t))))


if __name__ == "__main__":
    main()
