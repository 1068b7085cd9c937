//! The WeChat endpoints: access tokens and the 1.0 and 2.0 face
//! verification calls, with WeChat's checks and errcodes.

use std::time::{Duration, Instant};

use serde_json::{json, Map, Value as Json};
use wxface::digest;

use crate::http::{Reply, Request};
use crate::ids;
use crate::sessions::{Lookup, Pending1, Verify2};
use crate::state::Sandbox;

pub const TOKEN: &str = "/cgi-bin/token";
pub const STABLE_TOKEN: &str = "/cgi-bin/stable_token";
pub const GET_USER_ID_KEY: &str = "/cityservice/face/identify/getuseridkey";
pub const GET_INFO: &str = "/cityservice/face/identify/getinfo";
pub const GET_IMAGE: &str = "/cityservice/face/identify/getimage";
pub const GET_VERIFY_ID: &str = "/cityservice/face/identify/getverifyid";
pub const QUERY_VERIFY_INFO: &str = "/cityservice/face/identify/queryverifyinfo";

/// user_id_key and verify_id lifetime, as WeChat documents.
const SESSION_TTL: Duration = Duration::from_secs(3600);
/// 2.0's "not finished yet" verify_ret (1.0 table: "still checking").
pub const STILL_CHECKING: i64 = 10005;

/// The stand-in for the verification photo (a 16x16 grey baseline JPEG).
const PHOTO: &[u8] = include_bytes!("photo.jpg");

/// WeChat's message for an errcode the sandbox produces or injects.
pub fn errmsg(errcode: i64) -> &'static str {
    match errcode {
        -1 => "system error",
        0 => "ok",
        40001 => "invalid credential, access_token is invalid or not latest",
        40002 => "invalid grant_type",
        40003 => "invalid openid",
        40013 => "invalid appid",
        40014 => "invalid access_token",
        40097 => "invalid args",
        40125 => "invalid appsecret",
        40164 => "invalid ip, not in whitelist",
        41001 => "access_token missing",
        42001 => "access_token expired",
        43001 => "require GET method",
        43002 => "require POST method",
        45009 => "reach max api daily quota limit",
        45011 => "api minute-quota reach limit, mustslower retry next minute",
        47001 => "data format error",
        48001 => "api unauthorized",
        50001 => "user unauthorized",
        84001 => "invalid identify id",
        84002 => "user info expired",
        84003 => "user info not exist",
        84006 => "name or id_card_number empty",
        84010 => "cert_hash mismatch",
        _ => "sandbox error",
    }
}

pub fn error(errcode: i64) -> Reply {
    error_with(errcode, errmsg(errcode))
}

pub fn error_with(errcode: i64, message: &str) -> Reply {
    Reply::json(&json!({"errcode": errcode, "errmsg": message}))
}

pub fn is_wechat_path(path: &str) -> bool {
    !path.starts_with("/sandbox/")
}

/// Answers a request to a WeChat path.
pub fn handle(sandbox: &Sandbox, request: &Request) -> Reply {
    match request.path.as_str() {
        TOKEN => legacy_token(sandbox, request),
        STABLE_TOKEN => stable_token(sandbox, request),
        GET_USER_ID_KEY | GET_INFO | GET_IMAGE | GET_VERIFY_ID | QUERY_VERIFY_INFO => {
            business(sandbox, request)
        }
        _ => Reply::json_status(404, &json!({"errcode": 404, "errmsg": "not found"})),
    }
}

fn legacy_token(sandbox: &Sandbox, request: &Request) -> Reply {
    let mut state = sandbox.lock();
    state.counters.token_fetches += 1;
    if request.method != "GET" {
        return error(43001);
    }
    if let Err(refusal) = check_credentials(
        sandbox,
        request.param("grant_type"),
        request.param("appid"),
        request.param("secret"),
    ) {
        return refusal;
    }
    let (token, expires_in) = state.tokens.issue_legacy(Instant::now());
    Reply::json(&json!({"access_token": token, "expires_in": expires_in}))
}

fn stable_token(sandbox: &Sandbox, request: &Request) -> Reply {
    let mut state = sandbox.lock();
    state.counters.token_fetches += 1;
    if request.method != "POST" {
        return error(43002);
    }
    let body = match object(&request.body) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(refusal) = check_credentials(
        sandbox,
        text(&body, "grant_type"),
        text(&body, "appid"),
        text(&body, "secret"),
    ) {
        return refusal;
    }
    let force = body
        .get("force_refresh")
        .and_then(Json::as_bool)
        .unwrap_or(false);
    let (token, expires_in) = state.tokens.issue_stable(force, Instant::now());
    Reply::json(&json!({"access_token": token, "expires_in": expires_in}))
}

fn check_credentials(
    sandbox: &Sandbox,
    grant_type: Option<&str>,
    appid: Option<&str>,
    secret: Option<&str>,
) -> Result<(), Reply> {
    if grant_type != Some("client_credential") {
        return Err(error(40002));
    }
    if appid != Some(sandbox.config.appid.as_str()) {
        return Err(error(40013));
    }
    if secret != Some(sandbox.config.secret.as_str()) {
        return Err(error(40125));
    }
    Ok(())
}

/// The face endpoints share WeChat's order of checks: method, token, body.
fn business(sandbox: &Sandbox, request: &Request) -> Reply {
    if request.method != "POST" {
        return error(43002);
    }
    let now = Instant::now();
    if let Err(refusal) = sandbox
        .lock()
        .tokens
        .check(request.param("access_token"), now)
    {
        return error_with(refusal.errcode, refusal.errmsg);
    }
    let body = match object(&request.body) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    match request.path.as_str() {
        GET_USER_ID_KEY => get_user_id_key(sandbox, &body, now),
        GET_INFO => get_info(sandbox, &body, now),
        GET_IMAGE => get_image(sandbox, &body, now),
        GET_VERIFY_ID => get_verify_id(sandbox, &body, now),
        _ => query_verify_info(sandbox, &body, now),
    }
}

fn get_user_id_key(sandbox: &Sandbox, body: &Map<String, Json>, now: Instant) -> Reply {
    let (Some(name), Some(id)) = (text(body, "name"), text(body, "id_card_number")) else {
        return error(84006);
    };
    let Ok(id) = wxface::id_card::normalize(id) else {
        return error_with(40097, "invalid args: id_card_number");
    };
    let user_id_key = ids::random(64);
    let pending = Pending1 {
        name: name.to_owned(),
        id_card_number: id,
        out_seq_no: text(body, "out_seq_no").map(str::to_owned),
    };
    let mut state = sandbox.lock();
    state
        .sessions
        .pending1
        .insert(user_id_key.clone(), pending, now + SESSION_TTL, now);
    Reply::json(&json!({
        "errcode": 0,
        "errmsg": "ok",
        "user_id_key": user_id_key,
        "expires_in": SESSION_TTL.as_secs(),
    }))
}

fn get_info(sandbox: &Sandbox, body: &Map<String, Json>, now: Instant) -> Reply {
    let Some(verify_result) = text(body, "verify_result") else {
        return error_with(40097, "invalid args: verify_result");
    };
    let mut state = sandbox.lock();
    let result = match state.sessions.results1.get(verify_result, now) {
        Lookup::Live(result) => result,
        Lookup::Expired => return error(84002),
        Lookup::Unknown => return error(84001),
    };
    if let Some(errcode) = result.getinfo_errcode {
        return error(errcode);
    }
    let mut out = Map::new();
    out.insert("errcode".into(), 0.into());
    out.insert("errmsg".into(), "ok".into());
    out.insert("identify_ret".into(), result.identify_ret.into());
    out.insert("identify_time".into(), result.identify_time.into());
    if let Some(digits) = &result.validate_data {
        out.insert("validate_data".into(), digits.clone().into());
    }
    out.insert("openid".into(), result.openid.clone().into());
    out.insert("user_id_key".into(), result.user_id_key.clone().into());
    out.insert("finish_time".into(), result.finish_time.into());
    out.insert(
        "id_card_number_md5".into(),
        result.id_card_number_md5.clone().into(),
    );
    out.insert("name_utf8_md5".into(), result.name_utf8_md5.clone().into());
    Reply::json(&Json::Object(out))
}

fn get_image(sandbox: &Sandbox, body: &Map<String, Json>, now: Instant) -> Reply {
    if let Some(verify_result) = text(body, "verify_result") {
        return match sandbox.lock().sessions.results1.get(verify_result, now) {
            Lookup::Live(_) => photo(),
            Lookup::Expired => error(84002),
            Lookup::Unknown => error(84001),
        };
    }
    match checked_verify2(sandbox, body, now) {
        Ok(Some(_)) => photo(),
        // No photo before the user has finished.
        Ok(None) => error(84003),
        Err(reply) => reply,
    }
}

fn photo() -> Reply {
    Reply {
        status: 200,
        content_type: "image/jpeg",
        body: PHOTO.to_vec(),
    }
}

fn get_verify_id(sandbox: &Sandbox, body: &Map<String, Json>, now: Instant) -> Reply {
    let cert = body.get("cert_info").and_then(Json::as_object);
    let field = |name: &str| cert.and_then(|c| text(c, name));
    let (Some(out_seq_no), Some(openid), Some(cert_type), Some(cert_name), Some(cert_no)) = (
        text(body, "out_seq_no"),
        text(body, "openid"),
        field("cert_type"),
        field("cert_name"),
        field("cert_no"),
    ) else {
        return error_with(
            40097,
            "invalid args: out_seq_no, openid and cert_info are required",
        );
    };
    if cert_type != "IDENTITY_CARD" {
        return error_with(40097, "invalid args: cert_type must be IDENTITY_CARD");
    }
    if wxface::id_card::normalize(cert_no).is_err() {
        return error_with(40097, "invalid args: cert_no");
    }
    let verify_id = ids::random(64);
    let session = Verify2 {
        out_seq_no: out_seq_no.to_owned(),
        openid: openid.to_owned(),
        // Over the fields exactly as sent: a client that hashes a different
        // spelling (lower-case x, full-width digits) must see 84010.
        cert_hash: digest::cert_hash(cert_type, cert_name, cert_no),
        verify_ret: None,
    };
    sandbox
        .lock()
        .sessions
        .verify2
        .insert(verify_id.clone(), session, now + SESSION_TTL, now);
    Reply::json(&json!({
        "errcode": 0,
        "errmsg": "ok",
        "verify_id": verify_id,
        "expires_in": SESSION_TTL.as_secs(),
    }))
}

fn query_verify_info(sandbox: &Sandbox, body: &Map<String, Json>, now: Instant) -> Reply {
    match checked_verify2(sandbox, body, now) {
        Ok(verify_ret) => Reply::json(&json!({
            "errcode": 0,
            "errmsg": "ok",
            "verify_ret": verify_ret.unwrap_or(STILL_CHECKING),
        })),
        Err(reply) => reply,
    }
}

/// 2.0's checks on `{verify_id, out_seq_no, cert_hash, openid}`; the outcome
/// if the user has finished.
fn checked_verify2(
    sandbox: &Sandbox,
    body: &Map<String, Json>,
    now: Instant,
) -> Result<Option<i64>, Reply> {
    let (Some(verify_id), Some(out_seq_no), Some(cert_hash), Some(openid)) = (
        text(body, "verify_id"),
        text(body, "out_seq_no"),
        text(body, "cert_hash"),
        text(body, "openid"),
    ) else {
        return Err(error_with(
            40097,
            "invalid args: verify_id, out_seq_no, cert_hash and openid are required",
        ));
    };
    let mut state = sandbox.lock();
    let session = match state.sessions.verify2.get(verify_id, now) {
        Lookup::Live(session) => session,
        Lookup::Expired => return Err(error(84002)),
        Lookup::Unknown => return Err(error(84001)),
    };
    if session.out_seq_no != out_seq_no {
        return Err(error_with(40097, "out_seq_no mismatch"));
    }
    if session.openid != openid {
        return Err(error(40003));
    }
    if !session.cert_hash.eq_ignore_ascii_case(cert_hash) {
        return Err(error(84010));
    }
    Ok(session.verify_ret)
}

/// The body as a JSON object, or WeChat's 47001.
fn object(body: &[u8]) -> Result<Map<String, Json>, Reply> {
    match serde_json::from_slice(body) {
        Ok(Json::Object(map)) => Ok(map),
        _ => Err(error(47001)),
    }
}

/// A non-empty string member.
pub fn text<'a>(object: &'a Map<String, Json>, name: &str) -> Option<&'a str> {
    object
        .get(name)
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty())
}
