//! The sandbox as its users see it: a subprocess on loopback, driven over
//! raw HTTP. One scenario per test; each test starts its own sandbox.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value as Json};
use wxface::digest;

const APPID: &str = "wx5a3d6f1e2b4c8d90";
const SECRET: &str = "sandbox-secret-0123456789abcdef";
const NAME: &str = "张三";
const ID_LOWER_X: &str = "11010519491231002x";
const ID: &str = "11010519491231002X";
const OTHER_ID: &str = "110105194912310029";

const GET_USER_ID_KEY: &str = "/cityservice/face/identify/getuseridkey";
const GET_INFO: &str = "/cityservice/face/identify/getinfo";
const GET_IMAGE: &str = "/cityservice/face/identify/getimage";
const GET_VERIFY_ID: &str = "/cityservice/face/identify/getverifyid";
const QUERY: &str = "/cityservice/face/identify/queryverifyinfo";

// ---- fixtures -------------------------------------------------------------

struct Sandbox {
    child: Child,
    port: u16,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Json {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {:?}", String::from_utf8_lossy(&self.body)))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn errcode(&self) -> i64 {
        self.json()["errcode"].as_i64().unwrap_or(0)
    }
}

fn start(args: &[&str]) -> Sandbox {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wxface-sandbox"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start wxface-sandbox");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("listen line");
    let port = ["http", "https"]
        .iter()
        .find_map(|scheme| {
            line.strip_prefix(&format!(
                "wxface-sandbox listening on {scheme}://127.0.0.1:"
            ))
        })
        .and_then(|port| port.trim().parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    Sandbox { child, port }
}

fn sandbox() -> Sandbox {
    start(&[])
}

/// Writes one request on `stream` and reads its answer.
fn exchange<S: Read + Write>(
    stream: &mut S,
    method: &str,
    target: &str,
    body: &[u8],
    keep_alive: bool,
) -> Answer {
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: {}\r\n\r\n",
        body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    );
    stream.write_all(head.as_bytes()).expect("write head");
    stream.write_all(body).expect("write body");
    read_answer(&mut BufReader::new(stream))
}

fn read_answer<R: Read>(reader: &mut BufReader<R>) -> Answer {
    let (status, headers) = read_head(reader);
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse().expect("content-length"));
    let mut body = vec![0; len];
    reader.read_exact(&mut body).expect("body");
    Answer {
        status,
        headers,
        body,
    }
}

fn read_head<R: Read>(reader: &mut BufReader<R>) -> (u16, Vec<(String, String)>) {
    let mut line = String::new();
    reader.read_line(&mut line).expect("status line");
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).expect("header");
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':').expect("header colon");
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    (status, headers)
}

impl Sandbox {
    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(8)))
            .expect("timeout");
        stream
    }

    fn call(&self, method: &str, target: &str, body: &[u8]) -> Answer {
        exchange(&mut self.connect(), method, target, body, false)
    }

    fn post(&self, target: &str, body: &Json) -> Answer {
        self.call("POST", target, body.to_string().as_bytes())
    }

    fn get(&self, target: &str) -> Answer {
        self.call("GET", target, b"")
    }

    fn control(&self, path: &str, body: Json) -> Json {
        let answer = self.post(path, &body);
        assert_eq!(
            answer.status,
            200,
            "{path}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        answer.json()
    }

    fn stats(&self) -> Json {
        self.get("/sandbox/stats").json()
    }

    fn legacy_token(&self) -> String {
        let answer = self.get(&format!(
            "/cgi-bin/token?grant_type=client_credential&appid={APPID}&secret={SECRET}"
        ));
        answer.json()["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    fn stable_token(&self, force_refresh: bool) -> Json {
        self.post(
            "/cgi-bin/stable_token",
            &json!({"grant_type": "client_credential", "appid": APPID, "secret": SECRET, "force_refresh": force_refresh}),
        )
        .json()
    }

    fn token(&self) -> String {
        self.stable_token(false)["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    fn api(&self, path: &str, token: &str, body: &Json) -> Answer {
        self.post(&format!("{path}?access_token={token}"), body)
    }

    fn user_id_key(&self, token: &str, out_seq_no: Option<&str>) -> String {
        let mut body = json!({"name": NAME, "id_card_number": ID_LOWER_X});
        if let Some(seq) = out_seq_no {
            body["out_seq_no"] = json!(seq);
        }
        let answer = self.api(GET_USER_ID_KEY, token, &body).json();
        assert_eq!(answer["errcode"], 0, "{answer}");
        answer["user_id_key"]
            .as_str()
            .expect("user_id_key")
            .to_owned()
    }

    fn verify_result(&self, outcome: Json) -> String {
        self.control("/sandbox/v1/complete", outcome)["verify_result"]
            .as_str()
            .expect("verify_result")
            .to_owned()
    }

    fn get_info(&self, token: &str, verify_result: &str) -> Answer {
        self.api(GET_INFO, token, &json!({ "verify_result": verify_result }))
    }

    fn verify_id(&self, token: &str, out_seq_no: &str, openid: &str) -> String {
        let body = json!({
            "out_seq_no": out_seq_no,
            "cert_info": {"cert_type": "IDENTITY_CARD", "cert_name": NAME, "cert_no": ID},
            "openid": openid,
        });
        let answer = self.api(GET_VERIFY_ID, token, &body).json();
        assert_eq!(answer["errcode"], 0, "{answer}");
        answer["verify_id"].as_str().expect("verify_id").to_owned()
    }
}

fn cert_hash() -> String {
    digest::cert_hash("IDENTITY_CARD", NAME, ID).unwrap()
}

fn query_body(verify_id: &str) -> Json {
    json!({"verify_id": verify_id, "out_seq_no": "seq-2", "cert_hash": cert_hash(), "openid": "o-user"})
}

fn fault(sb: &Sandbox, body: Json) {
    sb.control("/sandbox/faults", body);
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---- access tokens --------------------------------------------------------

#[test]
fn legacy_token_call_invalidates_the_previous_token() {
    let sb = sandbox();
    let first = sb.legacy_token();
    assert_eq!(first.len(), 136);
    assert!(first
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    let second = sb.legacy_token();
    assert_ne!(first, second);
    assert_eq!(
        sb.api(GET_INFO, &first, &json!({"verify_result": "x"}))
            .errcode(),
        40001
    );
    assert_eq!(
        sb.api(GET_INFO, &second, &json!({"verify_result": "x"}))
            .errcode(),
        84001
    );
}

#[test]
fn stable_token_is_shared_until_force_refresh() {
    let sb = sandbox();
    let a = sb.stable_token(false);
    let b = sb.stable_token(false);
    assert_eq!(a["access_token"], b["access_token"]);
    assert!(b["expires_in"]
        .as_u64()
        .is_some_and(|s| s > 7000 && s <= 7200));
    let c = sb.stable_token(true);
    assert_ne!(a["access_token"], c["access_token"]);
    let old = a["access_token"].as_str().unwrap_or_default();
    assert_eq!(
        sb.api(GET_INFO, old, &json!({"verify_result": "x"}))
            .errcode(),
        40001
    );
    assert_eq!(sb.stats()["token_fetches"], 3);
}

#[test]
fn token_endpoints_refuse_wrong_credentials() {
    let sb = sandbox();
    let legacy = |q: &str| sb.get(&format!("/cgi-bin/token?{q}")).errcode();
    assert_eq!(
        legacy(&format!(
            "grant_type=client_credential&appid=wxother&secret={SECRET}"
        )),
        40013
    );
    assert_eq!(
        legacy(&format!(
            "grant_type=client_credential&appid={APPID}&secret=wrong"
        )),
        40125
    );
    assert_eq!(legacy(&format!("appid={APPID}&secret={SECRET}")), 40002);
    let stable = sb.post(
        "/cgi-bin/stable_token",
        &json!({"grant_type": "client_credential", "appid": APPID, "secret": "no"}),
    );
    assert_eq!(stable.errcode(), 40125);
    assert_eq!(sb.get("/cgi-bin/stable_token").errcode(), 43002);
}

#[test]
fn business_calls_answer_token_errors_like_wechat() {
    let sb = sandbox();
    let body = json!({"verify_result": "x"});
    assert_eq!(sb.post(GET_INFO, &body).errcode(), 41001);
    assert_eq!(sb.api(GET_INFO, "never-issued", &body).errcode(), 40001);
    let token = sb.token();
    sb.control("/sandbox/token/invalidate", json!({}));
    assert_eq!(sb.api(GET_INFO, &token, &body).errcode(), 40001);
    let token = sb.token();
    sb.control("/sandbox/token/expire", json!({}));
    assert_eq!(sb.api(GET_INFO, &token, &body).errcode(), 42001);
    let fresh = sb.token();
    assert_ne!(fresh, token);
    assert_eq!(sb.api(GET_INFO, &fresh, &body).errcode(), 84001);
}

#[test]
fn tokens_expire_after_the_configured_ttl() {
    let sb = start(&["--token-ttl", "0"]);
    let token = sb.legacy_token();
    assert_eq!(
        sb.api(GET_INFO, &token, &json!({"verify_result": "x"}))
            .errcode(),
        42001
    );
}

#[test]
fn wrong_method_and_malformed_bodies_get_their_errcodes() {
    let sb = sandbox();
    let token = sb.token();
    let answer = sb.get(&format!("{GET_INFO}?access_token={token}"));
    assert_eq!(answer.errcode(), 43002);
    assert_eq!(
        answer.header("content-type"),
        Some("application/json; encoding=utf-8")
    );
    let answer = sb.call(
        "POST",
        &format!("{GET_INFO}?access_token={token}"),
        b"{not json",
    );
    assert_eq!(answer.errcode(), 47001);
}

// ---- 1.0 ------------------------------------------------------------------

#[test]
fn v1_getinfo_reports_the_canonical_digests_of_the_person_verified() {
    let sb = sandbox();
    let token = sb.token();
    let key = sb.user_id_key(&token, None);
    let verify_result = sb.verify_result(json!({ "user_id_key": key }));
    assert!(verify_result.len() >= 100);
    let info = sb.get_info(&token, &verify_result).json();
    assert_eq!(info["errcode"], 0);
    assert_eq!(info["identify_ret"], 0);
    assert_eq!(info["user_id_key"], key.as_str());
    assert_eq!(info["id_card_number_md5"], digest::md5_hex(ID.as_bytes()));
    assert_eq!(info["name_utf8_md5"], digest::md5_hex(NAME.as_bytes()));
    assert!(info.get("validate_data").is_none());
    let openid = info["openid"].as_str().unwrap_or_default();
    assert!(openid.starts_with('o') && openid.len() == 28, "{openid}");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    assert!((info["finish_time"].as_i64().unwrap_or(0) - now).abs() < 5);
}

#[test]
fn v1_getuseridkey_refuses_empty_fields_and_bad_numbers() {
    let sb = sandbox();
    let token = sb.token();
    assert_eq!(
        sb.api(
            GET_USER_ID_KEY,
            &token,
            &json!({"name": "", "id_card_number": ID})
        )
        .errcode(),
        84006
    );
    assert_eq!(
        sb.api(GET_USER_ID_KEY, &token, &json!({"name": NAME}))
            .errcode(),
        84006
    );
    let bad_checksum = "110105194912310021";
    assert_eq!(
        sb.api(
            GET_USER_ID_KEY,
            &token,
            &json!({"name": NAME, "id_card_number": bad_checksum})
        )
        .errcode(),
        40097
    );
}

#[test]
fn v1_complete_can_report_someone_else_and_any_outcome() {
    let sb = sandbox();
    let token = sb.token();
    let key = sb.user_id_key(&token, None);
    let verify_result = sb.verify_result(json!({
        "user_id_key": key,
        "identify_ret": 10004,
        "as_name": "李四",
        "as_id_card_number": OTHER_ID,
        "openid": "o-someone-else",
        "report_user_id_key": "another-key",
        "finish_time_offset_s": -3600,
        "validate_data": "8593",
    }));
    let info = sb.get_info(&token, &verify_result).json();
    assert_eq!(info["identify_ret"], 10004);
    assert_eq!(info["name_utf8_md5"], digest::md5_hex("李四".as_bytes()));
    assert_eq!(
        info["id_card_number_md5"],
        digest::md5_hex(OTHER_ID.as_bytes())
    );
    assert_eq!(info["openid"], "o-someone-else");
    assert_eq!(info["user_id_key"], "another-key");
    assert_eq!(info["validate_data"], "8593");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    assert!((info["finish_time"].as_i64().unwrap_or(0) - (now - 3600)).abs() < 5);
}

#[test]
fn v1_getinfo_answers_unknown_expired_and_requested_errcodes() {
    let sb = sandbox();
    let token = sb.token();
    assert_eq!(sb.get_info(&token, "no-such-result").errcode(), 84001);
    assert_eq!(sb.api(GET_INFO, &token, &json!({})).errcode(), 40097);
    let key = sb.user_id_key(&token, None);
    let expired = sb.verify_result(json!({"user_id_key": key, "result_ttl_s": 0}));
    assert_eq!(sb.get_info(&token, &expired).errcode(), 84002);
    let missing = sb.verify_result(json!({"user_id_key": key, "getinfo_errcode": 84003}));
    assert_eq!(sb.get_info(&token, &missing).errcode(), 84003);
}

#[test]
fn v1_complete_accepts_name_and_number_given_to_the_front_end() {
    let sb = sandbox();
    let token = sb.token();
    let verify_result = sb.verify_result(json!({"name": NAME, "id_card_number": ID_LOWER_X}));
    let info = sb.get_info(&token, &verify_result).json();
    assert_eq!(info["id_card_number_md5"], digest::md5_hex(ID.as_bytes()));
    assert_eq!(info["user_id_key"], "");
    assert_eq!(
        sb.post("/sandbox/v1/complete", &json!({"user_id_key": "unknown"}))
            .status,
        404
    );
    assert_eq!(
        sb.post("/sandbox/v1/complete", &json!({"name": NAME}))
            .status,
        400
    );
}

#[test]
fn getimage_returns_a_jpeg_for_a_known_result_and_json_otherwise() {
    let sb = sandbox();
    let token = sb.token();
    let key = sb.user_id_key(&token, None);
    let verify_result = sb.verify_result(json!({ "user_id_key": key }));
    let photo = sb.api(
        GET_IMAGE,
        &token,
        &json!({ "verify_result": verify_result }),
    );
    assert_eq!(photo.header("content-type"), Some("image/jpeg"));
    assert!(photo.body.starts_with(&[0xFF, 0xD8, 0xFF]) && photo.body.len() < 2048);
    assert_eq!(
        sb.api(GET_IMAGE, &token, &json!({"verify_result": "nope"}))
            .errcode(),
        84001
    );

    // 2.0 has no getimage: the four query fields are not a verify_result.
    let verify_id = sb.verify_id(&token, "seq-2", "o-user");
    sb.control("/sandbox/v2/complete", json!({ "verify_id": verify_id }));
    assert_eq!(
        sb.api(GET_IMAGE, &token, &query_body(&verify_id)).errcode(),
        40097
    );
}

#[test]
fn request_bodies_are_recorded_byte_for_byte() {
    let sb = sandbox();
    assert_eq!(
        sb.get(&format!("/sandbox/last-body?path={GET_USER_ID_KEY}"))
            .status,
        404
    );
    let token = sb.token();
    let raw = format!(r#"{{"name":"{NAME}","id_card_number":"{ID}"}}"#);
    sb.call(
        "POST",
        &format!("{GET_USER_ID_KEY}?access_token={token}"),
        raw.as_bytes(),
    );
    let recorded = sb.get(&format!("/sandbox/last-body?path={GET_USER_ID_KEY}"));
    assert_eq!(recorded.body, raw.as_bytes());
}

// ---- 2.0 ------------------------------------------------------------------

#[test]
fn v2_query_answers_not_completed_until_the_phone_finishes_then_the_outcome() {
    let sb = sandbox();
    let token = sb.token();
    let verify_id = sb.verify_id(&token, "seq-2", "o-user");
    assert!(verify_id.len() >= 32);
    let before = sb.api(QUERY, &token, &query_body(&verify_id)).json();
    assert_eq!(
        (before["errcode"].as_i64(), before["verify_ret"].as_i64()),
        (Some(0), Some(10300))
    );
    sb.control("/sandbox/v2/complete", json!({ "verify_id": verify_id }));
    assert_eq!(
        sb.api(QUERY, &token, &query_body(&verify_id)).json()["verify_ret"],
        10000
    );
    sb.control(
        "/sandbox/v2/complete",
        json!({"verify_id": verify_id, "verify_ret": 90004}),
    );
    assert_eq!(
        sb.api(QUERY, &token, &query_body(&verify_id)).json()["verify_ret"],
        90004
    );
}

#[test]
fn v2_query_answers_still_checking_for_the_asked_number_of_queries() {
    let sb = sandbox();
    let token = sb.token();
    let verify_id = sb.verify_id(&token, "seq-2", "o-user");
    sb.control(
        "/sandbox/v2/complete",
        json!({"verify_id": verify_id, "checking_queries": 2}),
    );
    let rets: Vec<Json> = (0..3)
        .map(|_| sb.api(QUERY, &token, &query_body(&verify_id)).json()["verify_ret"].clone())
        .collect();
    assert_eq!(rets, [json!(10005), json!(10005), json!(10000)]);
}

#[test]
fn v2_getverifyid_answers_each_missing_or_invalid_field_with_its_code() {
    let sb = sandbox();
    let token = sb.token();
    let good = || {
        json!({
            "out_seq_no": "seq-fields",
            "cert_info": {"cert_type": "IDENTITY_CARD", "cert_name": NAME, "cert_no": ID},
            "openid": "o-user",
        })
    };
    let without = |field: &str| {
        let mut body = good();
        body.as_object_mut().unwrap().remove(field);
        sb.api(GET_VERIFY_ID, &token, &body).errcode()
    };
    assert_eq!(without("out_seq_no"), 84010);
    assert_eq!(without("cert_info"), 84012);
    assert_eq!(without("openid"), 84016);
    let with = |pointer: &str, value: Json| {
        let mut body = good();
        *body.pointer_mut(pointer).unwrap() = value;
        sb.api(GET_VERIFY_ID, &token, &body).errcode()
    };
    assert_eq!(with("/out_seq_no", json!("abcd")), 84011);
    assert_eq!(with("/out_seq_no", json!("order.0001")), 84011);
    assert_eq!(with("/out_seq_no", json!("x".repeat(33))), 84011);
    assert_eq!(with("/cert_info/cert_type", json!("PASSPORT")), 84013);
    assert_eq!(with("/cert_info/cert_name", json!("")), 84014);
    assert_eq!(
        with("/cert_info/cert_no", json!("110105194912310021")),
        84015
    );
    assert_eq!(with("/openid", json!("not an openid")), 40003);
    // None of the refused calls used the out_seq_no up.
    assert_eq!(sb.api(GET_VERIFY_ID, &token, &good()).errcode(), 0);
}

#[test]
fn v2_getverifyid_refuses_an_out_seq_no_used_before() {
    let sb = sandbox();
    let token = sb.token();
    sb.verify_id(&token, "seq-once", "o-user");
    let again = json!({
        "out_seq_no": "seq-once",
        "cert_info": {"cert_type": "IDENTITY_CARD", "cert_name": NAME, "cert_no": ID},
        "openid": "o-user",
    });
    assert_eq!(sb.api(GET_VERIFY_ID, &token, &again).errcode(), 84019);
}

#[test]
fn v2_query_checks_every_field_against_getverifyid() {
    let sb = sandbox();
    let token = sb.token();
    let verify_id = sb.verify_id(&token, "seq-2", "o-user");
    let with = |name: &str, value: &str| {
        let mut body = query_body(&verify_id);
        body[name] = json!(value);
        sb.api(QUERY, &token, &body).errcode()
    };
    assert_eq!(with("verify_id", ""), 84021);
    assert_eq!(with("verify_id", "unknown"), 84021);
    assert_eq!(with("out_seq_no", ""), 84010);
    assert_eq!(with("openid", ""), 84016);
    assert_eq!(with("out_seq_no", "seq-other"), 84020);
    assert_eq!(with("openid", "o-other"), 84017);
    assert_eq!(
        with(
            "cert_hash",
            &digest::cert_hash("IDENTITY_CARD", NAME, ID_LOWER_X).unwrap()
        ),
        84018
    );
    assert_eq!(with("cert_hash", ""), 84018);
    assert_eq!(sb.api(QUERY, &token, &query_body(&verify_id)).errcode(), 0);
}

#[test]
fn v2_verify_id_expires_when_its_life_is_used_up() {
    let sb = sandbox();
    let token = sb.token();
    let verify_id = sb.verify_id(&token, "seq-2", "o-user");
    let aged = sb.control(
        "/sandbox/v2/age",
        json!({"verify_id": verify_id, "by_s": 3000}),
    );
    assert!(aged["expires_in"].as_u64().unwrap() <= 600, "{aged}");
    assert_eq!(sb.api(QUERY, &token, &query_body(&verify_id)).errcode(), 0);
    sb.control(
        "/sandbox/v2/age",
        json!({"verify_id": verify_id, "by_s": 600}),
    );
    assert_eq!(
        sb.api(QUERY, &token, &query_body(&verify_id)).errcode(),
        84022
    );
}

#[test]
fn v2_verify_id_life_can_be_shortened_for_tests() {
    let sb = sandbox();
    let token = sb.token();
    sb.control("/sandbox/v2/verify-id-life", json!({"expires_in": 2}));
    let body = json!({
        "out_seq_no": "seq-short",
        "cert_info": {"cert_type": "IDENTITY_CARD", "cert_name": NAME, "cert_no": ID},
        "openid": "o-user",
    });
    assert_eq!(sb.api(GET_VERIFY_ID, &token, &body).json()["expires_in"], 2);
}

// ---- counters -------------------------------------------------------------

#[test]
fn stats_count_requests_connections_and_reset() {
    let sb = sandbox();
    let token = sb.token();
    let mut conn = sb.connect();
    for _ in 0..3 {
        let answer = exchange(
            &mut conn,
            "POST",
            &format!("{GET_INFO}?access_token={token}"),
            b"{}",
            true,
        );
        assert_eq!(answer.errcode(), 40097);
    }
    let stats = sb.stats();
    assert_eq!(stats["requests"][GET_INFO], 3);
    assert_eq!(stats["requests"]["/cgi-bin/stable_token"], 1);
    assert_eq!(stats["token_fetches"], 1);
    // stable_token, the keep-alive connection, stats: three connections, two to WeChat paths.
    assert_eq!(stats["api_connections"], 2);
    assert_eq!(stats["connections"], 3);
    sb.control("/sandbox/reset", json!({}));
    let stats = sb.stats();
    assert_eq!(stats["token_fetches"], 0);
    assert_eq!(stats["requests"], json!({}));
    // Tokens survive a reset.
    assert_eq!(sb.api(GET_INFO, &token, &json!({})).errcode(), 40097);
}

// ---- faults ---------------------------------------------------------------

#[test]
fn http_status_and_errcode_faults_answer_then_clear() {
    let sb = sandbox();
    let token = sb.token();
    fault(
        &sb,
        json!({"path": GET_INFO, "kind": "http_status", "status": 502}),
    );
    fault(
        &sb,
        json!({"path": GET_INFO, "kind": "errcode", "errcode": -1, "count": 2}),
    );
    let body = json!({"verify_result": "x"});
    let answer = sb.api(GET_INFO, &token, &body);
    assert_eq!(answer.status, 502);
    assert_eq!(answer.header("content-type"), Some("text/html"));
    assert!(String::from_utf8_lossy(&answer.body).contains("<html>"));
    assert_eq!(sb.api(GET_INFO, &token, &body).errcode(), -1);
    assert_eq!(sb.api(GET_INFO, &token, &body).errcode(), -1);
    assert_eq!(sb.api(GET_INFO, &token, &body).errcode(), 84001);
    let stats = sb.stats();
    assert_eq!(
        (
            stats["requests"][GET_INFO].as_u64(),
            stats["faults_applied"].as_u64()
        ),
        (Some(4), Some(3))
    );
}

#[test]
fn count_zero_faults_last_until_deleted_and_star_matches_every_path() {
    let sb = sandbox();
    fault(
        &sb,
        json!({"path": "*", "kind": "errcode", "errcode": 45011, "count": 0}),
    );
    for _ in 0..3 {
        assert_eq!(sb.stable_token(false)["errcode"], 45011);
    }
    assert_eq!(
        sb.get("/sandbox/faults").json()["faults"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(sb.call("DELETE", "/sandbox/faults", b"").status, 200);
    assert!(sb.stable_token(false)["access_token"].is_string());
    assert_eq!(
        sb.post("/sandbox/faults", &json!({"kind": "bogus"})).status,
        400
    );
}

#[test]
fn body_faults_spoil_the_answer_but_not_the_connection() {
    let sb = sandbox();
    let token = sb.token();
    let target = format!("{GET_INFO}?access_token={token}");
    let body = br#"{"verify_result":"x"}"#;
    for kind in ["truncated", "content_type", "empty", "delay"] {
        fault(
            &sb,
            json!({"path": GET_INFO, "kind": kind, "delay_ms": 150}),
        );
    }
    let mut conn = sb.connect();
    let normal = br#"{"errcode":84001,"errmsg":"invalid identify id"}"#;

    let truncated = exchange(&mut conn, "POST", &target, body, true);
    assert_eq!(truncated.status, 200);
    assert!(
        !truncated.body.is_empty()
            && normal.starts_with(&truncated.body)
            && truncated.body.len() < normal.len()
    );

    let html = exchange(&mut conn, "POST", &target, body, true);
    assert_eq!(html.header("content-type"), Some("text/html"));
    assert_eq!(html.body, normal);

    let empty = exchange(&mut conn, "POST", &target, body, true);
    assert_eq!((empty.status, empty.body.len()), (200, 0));

    let started = Instant::now();
    assert_eq!(
        exchange(&mut conn, "POST", &target, body, true).errcode(),
        84001
    );
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[test]
fn huge_fault_sends_five_mib_of_json() {
    let sb = sandbox();
    fault(
        &sb,
        json!({"path": "/cgi-bin/stable_token", "kind": "huge"}),
    );
    let answer = sb.post("/cgi-bin/stable_token", &json!({}));
    assert_eq!(answer.body.len(), 5 * 1024 * 1024);
    assert_eq!(answer.json()["errcode"], 0);
}

#[test]
fn reset_fault_cuts_the_body_short() {
    let sb = sandbox();
    let token = sb.token();
    fault(&sb, json!({"path": GET_INFO, "kind": "reset"}));
    let mut conn = sb.connect();
    let request =
        format!("POST {GET_INFO}?access_token={token} HTTP/1.1\r\nContent-Length: 2\r\n\r\n{{}}");
    conn.write_all(request.as_bytes()).expect("write");
    let mut reader = BufReader::new(conn);
    let (status, headers) = read_head(&mut reader);
    assert_eq!(status, 200);
    let promised: usize = headers
        .iter()
        .find(|(k, _)| k == "Content-Length")
        .map_or(0, |(_, v)| v.parse().unwrap_or(0));
    let mut received = Vec::new();
    let _ = reader.read_to_end(&mut received); // ends with EOF or ECONNRESET
    assert!(
        received.len() < promised,
        "{} of {promised}",
        received.len()
    );
}

#[test]
fn trickle_and_hang_faults_hold_the_client() {
    let sb = sandbox();
    fault(
        &sb,
        json!({"path": "/cgi-bin/stable_token", "kind": "trickle"}),
    );
    fault(
        &sb,
        json!({"path": "/cgi-bin/stable_token", "kind": "hang"}),
    );
    let body =
        json!({"grant_type": "client_credential", "appid": APPID, "secret": SECRET}).to_string();
    let request = format!(
        "POST /cgi-bin/stable_token HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );

    let mut conn = sb.connect();
    conn.write_all(request.as_bytes()).expect("write");
    let mut reader = BufReader::new(conn);
    let (status, _) = read_head(&mut reader);
    assert_eq!(status, 200);
    reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(1500)))
        .expect("timeout");
    let mut first = [0u8; 4];
    let n = reader
        .read(&mut first)
        .expect("first byte within a second and a half");
    assert_eq!((n, first[0]), (1, b'{'));

    let mut conn = sb.connect();
    conn.set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    conn.write_all(request.as_bytes()).expect("write");
    let mut byte = [0u8; 1];
    let err = conn.read(&mut byte).expect_err("no answer while hanging");
    assert!(matches!(
        err.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    ));
}

#[test]
fn invalidate_token_fault_fails_the_call_it_meets() {
    let sb = sandbox();
    let token = sb.token();
    fault(&sb, json!({"path": GET_INFO, "kind": "invalidate_token"}));
    let body = json!({"verify_result": "x"});
    assert_eq!(sb.api(GET_INFO, &token, &body).errcode(), 40001);
    let fresh = sb.token();
    assert_ne!(fresh, token);
    assert_eq!(sb.api(GET_INFO, &fresh, &body).errcode(), 84001);
}

// ---- push -----------------------------------------------------------------

/// Accepts one push on `listener`, answers `status`, returns query and body.
fn receive_push(listener: &TcpListener, status: u16) -> (String, Vec<u8>) {
    let (stream, _) = listener.accept().expect("push connection");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).expect("request line");
    let target = line.split(' ').nth(1).unwrap_or_default().to_owned();
    let mut len = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).expect("header");
        if header.trim().is_empty() {
            break;
        }
        if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().expect("length");
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).expect("push body");
    let answer =
        format!("HTTP/1.1 {status} X\r\nContent-Length: 7\r\nConnection: close\r\n\r\nsuccess");
    reader
        .get_mut()
        .write_all(answer.as_bytes())
        .expect("answer push");
    let query = target
        .split_once('?')
        .map(|(_, q)| q.to_owned())
        .unwrap_or_default();
    (query, body)
}

#[test]
fn push_delivers_a_sealed_face_identify_event_and_retries_failures() {
    let sb = sandbox();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    sb.control(
        "/sandbox/push",
        json!({"url": format!("http://127.0.0.1:{port}/wechat/push"), "format": "xml", "mode": "safe",
               "token": "push-token", "aes_key": aes_key}),
    );
    let token = sb.token();
    let key = sb.user_id_key(&token, Some("seq-push-1"));
    let completed = sb.control("/sandbox/v1/complete", json!({ "user_id_key": key }));

    let _ = receive_push(&listener, 500);
    let (query, body) = receive_push(&listener, 200);
    let cfg =
        wxface::push::PushConfig::new("push-token", Some(aes_key), APPID, 60).expect("config");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let event =
        wxface::push::open(&cfg, &query, &body, now).expect("push opens with our key and token");
    assert_eq!(event.text("Event").as_deref(), Some("face_identify"));
    assert_eq!(event.text("out_seq_no").as_deref(), Some("seq-push-1"));
    assert_eq!(
        event.text("verify_result"),
        completed["verify_result"].as_str().map(str::to_owned)
    );
    assert_eq!(
        event.text("openid"),
        completed["openid"].as_str().map(str::to_owned)
    );
    wait_until("push_delivered", || sb.stats()["push_delivered"] == 1);
    assert_eq!(sb.stats()["push_attempts"], 2);
}

#[test]
fn push_is_sent_only_for_sessions_with_out_seq_no() {
    let sb = sandbox();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    sb.control(
        "/sandbox/push",
        json!({"url": format!("http://127.0.0.1:{port}/p"), "token": "t"}),
    );
    let token = sb.token();
    let key = sb.user_id_key(&token, None);
    assert_eq!(
        sb.control("/sandbox/v1/complete", json!({ "user_id_key": key }))["push"],
        false
    );
    assert_eq!(
        sb.post(
            "/sandbox/push",
            &json!({"url": "http://x/", "token": "t", "mode": "safe"})
        )
        .status,
        400
    );
}

// ---- robustness -----------------------------------------------------------

#[test]
fn garbage_oversized_and_chunked_requests_are_refused_and_serving_goes_on() {
    let sb = sandbox();
    let raw = |bytes: &[u8]| {
        let mut conn = sb.connect();
        conn.write_all(bytes).expect("write");
        read_answer(&mut BufReader::new(conn)).status
    };
    assert_eq!(raw(b"\x00\xff garbage\r\n\r\n"), 400);
    assert_eq!(
        raw(b"POST /cgi-bin/stable_token HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n"),
        413
    );
    assert_eq!(
        raw(b"POST /cgi-bin/stable_token HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        411
    );
    assert!(sb.stable_token(false)["access_token"].is_string());
}

#[test]
fn shutdown_route_ends_the_process() {
    let mut sb = sandbox();
    sb.control("/sandbox/shutdown", json!({}));
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(status) = sb.child.try_wait().expect("wait") {
            assert!(status.success());
            break;
        }
        assert!(Instant::now() < deadline, "sandbox still running");
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---- TLS --------------------------------------------------------------------

/// A self-signed test certificate for 127.0.0.1 (valid until 2126) and its
/// key, made for this test only: `openssl req -x509 -newkey ec ...`.
const TEST_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBrTCCAVKgAwIBAgIUNB2RO00av2yYgsFoEDZWIWfedgkwCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTd3hmYWNlLXNhbmRib3ggdGVzdDAgFw0yNjExMjYwNzM2NTFa
GA8yMTI2MTEwMjA3MzY1MVowHjEcMBoGA1UEAwwTd3hmYWNlLXNhbmRib3ggdGVz
dDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABClunjq9v/XE5MrgTLPv9VpwJ4XF
evXOaNUE1l3p0GVwzFWZAkwI5Zv5NbqepIkcSIQX8CCZRSk+Ar3SEUY290qjbDBq
MB0GA1UdDgQWBBQgEJQn5DV99XcYBnm1Tx+6DjQcCzAfBgNVHSMEGDAWgBQgEJQn
5DV99XcYBnm1Tx+6DjQcCzAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwDAYD
VR0TAQH/BAIwADAKBggqhkjOPQQDAgNJADBGAiEA7jtPx9dVbG82UKFsE+UUWUG8
NW3tKtlEeSgwz9mblRACIQDzb80Qbhk6i+FwfoRi3J8R/by3pmhIVbai8JFWSEdk
eA==
-----END CERTIFICATE-----
";
const TEST_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgKE5FETh+8A3O0Mlg
cv1Y++afsgIdYKtPXqunnof2/c+hRANCAAQpbp46vb/1xOTK4Eyz7/VacCeFxXr1
zmjVBNZd6dBlcMxVmQJMCOWb+TW6nqSJHEiEF/AgmUUpPgK90hFGNvdK
-----END PRIVATE KEY-----
";

#[test]
fn tls_listener_serves_clients_that_trust_its_certificate() {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName};
    use std::sync::Arc;

    let dir = std::env::temp_dir().join(format!("wxface-sandbox-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, TEST_CERT).expect("write cert");
    std::fs::write(&key, TEST_KEY).expect("write key");
    let sb = start(&[
        "--tls-cert",
        cert.to_str().expect("utf-8 path"),
        "--tls-key",
        key.to_str().expect("utf-8 path"),
    ]);
    let _ = std::fs::remove_dir_all(&dir);

    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(TEST_CERT.as_bytes()).expect("pem"))
        .expect("root");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let server_name = ServerName::try_from("127.0.0.1").expect("server name");
    let conn = rustls::ClientConnection::new(Arc::new(config), server_name).expect("client");
    let mut tls = rustls::StreamOwned::new(conn, sb.connect());
    let body = json!({"grant_type": "client_credential", "appid": APPID, "secret": SECRET});
    let answer = exchange(
        &mut tls,
        "POST",
        "/cgi-bin/stable_token",
        body.to_string().as_bytes(),
        false,
    );
    assert!(answer.json()["access_token"].is_string());

    // Plain HTTP to the TLS port gets no HTTP answer.
    let mut plain = sb.connect();
    plain
        .write_all(b"GET /sandbox/stats HTTP/1.1\r\n\r\n")
        .expect("write");
    let mut reply = Vec::new();
    let _ = plain.read_to_end(&mut reply);
    assert!(!reply.starts_with(b"HTTP/1.1 200"));
}
