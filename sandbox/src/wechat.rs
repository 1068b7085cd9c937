//! The WeChat endpoints: access tokens and the 1.0 and 2.0 face
//! verification calls, with WeChat's checks and errcodes.

use std::net::IpAddr;
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

/// user_id_key lifetime, as WeChat documents (a verify_id's is in the state).
const SESSION_TTL: Duration = Duration::from_secs(3600);
/// 2.0's verify_ret until the phone has finished ("verification not completed").
pub const NOT_COMPLETED: i64 = 10300;
/// 2.0's verify_ret during the optional checking phase after the phone.
pub const STILL_CHECKING: i64 = 10005;
/// How long an accepted out_seq_no is remembered as used.
const OUT_SEQ_NO_MEMORY: Duration = Duration::from_secs(30 * 24 * 3600);

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
        84010 => "out_seq_no is missing",
        84011 => "out_seq_no format invalid",
        84012 => "cert_info is missing",
        84013 => "invalid cert_type",
        84014 => "invalid cert_name",
        84015 => "invalid cert_no",
        84016 => "openid is missing",
        84017 => "openid not match",
        84018 => "cert_hash invalid or not match",
        84019 => "out_seq_no has been used",
        84020 => "out_seq_no not match",
        84021 => "verify_id is missing or invalid",
        84022 => "verify_id expired",
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
    if let Err(refusal) = check_whitelist(&state.whitelist, request) {
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
    if let Err(refusal) = check_whitelist(&state.whitelist, request) {
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

/// 40164 with WeChat's wording when the caller's address is not in the
/// whitelist the control API set.
fn check_whitelist(whitelist: &Option<Vec<IpAddr>>, request: &Request) -> Result<(), Reply> {
    let (Some(allowed), Some(peer)) = (whitelist, request.peer) else {
        return Ok(());
    };
    if allowed.contains(&peer) {
        return Ok(());
    }
    Err(error_with(
        40164,
        &format!("invalid ip {peer} ipv6 ::ffff:{peer}, not in whitelist"),
    ))
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
    // 1.0 only: WeChat documents no getimage for 2.0.
    let Some(verify_result) = text(body, "verify_result") else {
        return error_with(40097, "invalid args: verify_result");
    };
    match sandbox.lock().sessions.results1.get(verify_result, now) {
        Lookup::Live(_) => photo(),
        Lookup::Expired => error(84002),
        Lookup::Unknown => error(84001),
    }
}

fn photo() -> Reply {
    Reply {
        status: 200,
        content_type: "image/jpeg",
        body: PHOTO.to_vec(),
    }
}

/// WeChat's rule for out_seq_no (84011).
fn out_seq_no_is_valid(value: &str) -> bool {
    (5..=32).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The sandbox's stand-in for "an openid of this mini program" (40003):
/// WeChat's openids are 28 characters of `[0-9A-Za-z_-]`; the sandbox
/// accepts 6 to 64 of them so tests may use readable ones.
fn openid_is_plausible(value: &str) -> bool {
    (6..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn get_verify_id(sandbox: &Sandbox, body: &Map<String, Json>, now: Instant) -> Reply {
    // The order of the checks is the sandbox's choice; each code is WeChat's.
    let Some(out_seq_no) = text(body, "out_seq_no") else {
        return error(84010);
    };
    if !out_seq_no_is_valid(out_seq_no) {
        return error(84011);
    }
    let Some(openid) = text(body, "openid") else {
        return error(84016);
    };
    if !openid_is_plausible(openid) {
        return error(40003);
    }
    let Some(cert) = body.get("cert_info").and_then(Json::as_object) else {
        return error(84012);
    };
    if text(cert, "cert_type") != Some("IDENTITY_CARD") {
        return error(84013);
    }
    // Non-empty UTF-8 (a JSON string is UTF-8 by construction).
    let Some(cert_name) = text(cert, "cert_name").filter(|n| !n.trim().is_empty()) else {
        return error(84014);
    };
    let Some(cert_no) = text(cert, "cert_no").filter(|n| wxface::id_card::normalize(n).is_ok())
    else {
        return error(84015);
    };
    let mut state = sandbox.lock();
    if state.sessions.used_out_seq_nos.contains(out_seq_no) {
        return error(84019);
    }
    state
        .sessions
        .used_out_seq_nos
        .insert(out_seq_no.to_owned(), (), now + OUT_SEQ_NO_MEMORY, now);
    let verify_id = ids::random(64);
    let session = Verify2 {
        out_seq_no: out_seq_no.to_owned(),
        openid: openid.to_owned(),
        // Over the fields exactly as sent: a client that hashes a different
        // spelling (lower-case x, full-width digits) must see 84018.
        cert_hash: digest::cert_hash("IDENTITY_CARD", cert_name, cert_no).unwrap_or_default(),
        verify_ret: None,
        checking_left: 0,
    };
    let life = state.verify_id_life;
    state
        .sessions
        .verify2
        .insert(verify_id.clone(), session, now + life, now);
    Reply::json(&json!({
        "errcode": 0,
        "errmsg": "ok",
        "verify_id": verify_id,
        "expires_in": life.as_secs(),
    }))
}

/// queryverifyinfo: WeChat's checks on `{verify_id, out_seq_no, cert_hash,
/// openid}` against getverifyid's, then the verify_ret: 10300 until the
/// phone has finished, 10005 during an optional checking phase, then the
/// outcome.
fn query_verify_info(sandbox: &Sandbox, body: &Map<String, Json>, now: Instant) -> Reply {
    let Some(verify_id) = text(body, "verify_id") else {
        return error(84021);
    };
    let Some(out_seq_no) = text(body, "out_seq_no") else {
        return error(84010);
    };
    let Some(openid) = text(body, "openid") else {
        return error(84016);
    };
    let mut state = sandbox.lock();
    let session = match state.sessions.verify2.get(verify_id, now) {
        Lookup::Live(session) => session,
        Lookup::Expired => return error(84022),
        // WeChat documents no code for an unknown verify_id: the sandbox's choice.
        Lookup::Unknown => return error(84021),
    };
    if session.out_seq_no != out_seq_no {
        return error(84020);
    }
    if session.openid != openid {
        return error(84017);
    }
    if !text(body, "cert_hash").is_some_and(|h| session.cert_hash.eq_ignore_ascii_case(h)) {
        return error(84018);
    }
    let verify_ret = match session.verify_ret {
        None => NOT_COMPLETED,
        Some(_) if session.checking_left > 0 => {
            session.checking_left -= 1;
            STILL_CHECKING
        }
        Some(outcome) => outcome,
    };
    Reply::json(&json!({"errcode": 0, "errmsg": "ok", "verify_ret": verify_ret}))
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
