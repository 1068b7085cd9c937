//! The control API under /sandbox/: plays the user's phone, reads counters,
//! injects faults and configures push. Documented in sandbox/README.md.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value as Json};
use wxface::digest;

use crate::faults::Fault;
use crate::http::{self, Reply, Request};
use crate::ids;
use crate::push::{self, Event, Target};
use crate::sessions::{Lookup, Result1};
use crate::state::{Counters, Sandbox};
use crate::wechat::text;

/// Longest lifetime the control API accepts for a result (30 days).
const MAX_TTL_S: u64 = 30 * 24 * 3600;

/// What the connection should do after answering.
#[derive(PartialEq, Eq)]
pub enum After {
    Continue,
    Shutdown,
}

pub fn handle(sandbox: &Arc<Sandbox>, request: &Request) -> (Reply, After) {
    let route = (request.method.as_str(), request.path.as_str());
    let reply = match route {
        ("POST", "/sandbox/v1/complete") => with_body(request, |b| complete_v1(sandbox, b)),
        ("POST", "/sandbox/v2/complete") => with_body(request, |b| complete_v2(sandbox, b)),
        ("POST", "/sandbox/v2/age") => with_body(request, |b| age_v2(sandbox, b)),
        ("POST", "/sandbox/v2/verify-id-life") => {
            with_body(request, |b| match seconds(&b, "expires_in", 3600) {
                Ok(life) if !life.is_zero() => {
                    sandbox.lock().verify_id_life = life;
                    ok()
                }
                Ok(_) => bad_request("expires_in must be at least 1"),
                Err(reply) => reply,
            })
        }
        ("POST", "/sandbox/token/invalidate") => {
            sandbox.lock().tokens.invalidate_current();
            ok()
        }
        ("POST", "/sandbox/token/expire") => {
            sandbox.lock().tokens.expire_current();
            ok()
        }
        ("GET", "/sandbox/stats") => {
            let state = sandbox.lock();
            let mut stats = state.counters.to_json();
            // Live map sizes, so a soak test can see memory stay flat.
            stats["sessions"] = json!({
                "pending_v1": state.sessions.pending1.len(),
                "results_v1": state.sessions.results1.len(),
                "verify_v2": state.sessions.verify2.len(),
                "used_out_seq_nos": state.sessions.used_out_seq_nos.len(),
            });
            Reply::json(&stats)
        }
        ("POST", "/sandbox/reset") => {
            let mut state = sandbox.lock();
            state.counters = Counters::default();
            state.faults.clear();
            state.last_bodies.clear();
            ok()
        }
        ("GET", "/sandbox/last-body") => last_body(sandbox, request),
        ("GET", "/sandbox/faults") => {
            let faults: Vec<Json> = sandbox.lock().faults.iter().map(Fault::to_json).collect();
            Reply::json(&json!({ "faults": faults }))
        }
        ("POST", "/sandbox/faults") => {
            with_body(request, |b| match Fault::from_json(&Json::Object(b)) {
                Ok(fault) => {
                    let mut state = sandbox.lock();
                    state.faults.push(fault);
                    Reply::json(&json!({"ok": true, "queued": state.faults.len()}))
                }
                Err(why) => bad_request(&why),
            })
        }
        ("DELETE", "/sandbox/faults") => {
            sandbox.lock().faults.clear();
            ok()
        }
        ("GET", "/sandbox/push") => {
            let target = sandbox
                .lock()
                .push
                .as_ref()
                .map_or(Json::Null, Target::to_json);
            Reply::json(&json!({ "push": target }))
        }
        ("POST", "/sandbox/push") => with_body(request, |b| {
            match Target::from_json(&Json::Object(b), &sandbox.config.appid) {
                Ok(target) => {
                    sandbox.lock().push = Some(target);
                    ok()
                }
                Err(why) => bad_request(&why),
            }
        }),
        ("DELETE", "/sandbox/push") => {
            sandbox.lock().push = None;
            ok()
        }
        ("POST", "/sandbox/clock") => {
            with_body(request, |b| match b.get("skew_s").map(Json::as_i64) {
                Some(Some(s)) if s.unsigned_abs() <= MAX_TTL_S => {
                    http::set_clock_skew(s);
                    Reply::json(&json!({"ok": true, "skew_s": s}))
                }
                _ => bad_request(&format!(
                    "skew_s must be an integer from -{MAX_TTL_S} to {MAX_TTL_S}"
                )),
            })
        }
        ("GET", "/sandbox/whitelist") => {
            let ips: Option<Vec<String>> = sandbox
                .lock()
                .whitelist
                .as_ref()
                .map(|w| w.iter().map(ToString::to_string).collect());
            Reply::json(&json!({ "ips": ips }))
        }
        ("POST", "/sandbox/whitelist") => with_body(request, |b| {
            let ips: Option<Vec<IpAddr>> = b.get("ips").and_then(Json::as_array).and_then(|a| {
                a.iter()
                    .map(|v| v.as_str().and_then(|s| s.parse().ok()))
                    .collect()
            });
            match ips {
                Some(ips) => {
                    sandbox.lock().whitelist = Some(ips);
                    ok()
                }
                None => bad_request("ips must be an array of IP addresses"),
            }
        }),
        ("DELETE", "/sandbox/whitelist") => {
            sandbox.lock().whitelist = None;
            ok()
        }
        ("POST", "/sandbox/shutdown") => return (ok(), After::Shutdown),
        (_, path) if ROUTES.contains(&path) => problem(405, "method not allowed on this route"),
        _ => problem(404, "no such control route (see sandbox/README.md)"),
    };
    (reply, After::Continue)
}

const ROUTES: [&str; 15] = [
    "/sandbox/v1/complete",
    "/sandbox/v2/complete",
    "/sandbox/v2/age",
    "/sandbox/v2/verify-id-life",
    "/sandbox/token/invalidate",
    "/sandbox/token/expire",
    "/sandbox/stats",
    "/sandbox/reset",
    "/sandbox/last-body",
    "/sandbox/faults",
    "/sandbox/push",
    "/sandbox/shutdown",
    "/sandbox/clock",
    "/sandbox/whitelist",
    "/sandbox/",
];

/// The phone finishes a 1.0 verification.
fn complete_v1(sandbox: &Arc<Sandbox>, body: Map<String, Json>) -> Reply {
    let now = Instant::now();
    let ttl = match seconds(&body, "result_ttl_s", 300) {
        Ok(ttl) => ttl,
        Err(reply) => return reply,
    };
    let mut state = sandbox.lock();

    // Whose verification: a pending user_id_key, or name and ID passed to
    // the front end directly.
    let (name, id_card_number, out_seq_no, user_id_key) = if let Some(key) =
        text(&body, "user_id_key")
    {
        match state.sessions.pending1.get(key, now) {
            Lookup::Live(p) => (
                p.name.clone(),
                p.id_card_number.clone(),
                p.out_seq_no.clone(),
                key.to_owned(),
            ),
            Lookup::Expired => return problem(410, "user_id_key has expired"),
            Lookup::Unknown => return problem(404, "unknown user_id_key"),
        }
    } else {
        let (Some(name), Some(id)) = (text(&body, "name"), text(&body, "id_card_number")) else {
            return bad_request("give user_id_key, or name and id_card_number");
        };
        let Ok(id) = wxface::id_card::normalize(id) else {
            return bad_request("id_card_number is not a valid resident ID number");
        };
        (
            name.to_owned(),
            id,
            text(&body, "out_seq_no").map(str::to_owned),
            String::new(),
        )
    };

    let id_card_number_md5 = match text(&body, "as_id_card_number") {
        // Someone else's number: hashed canonically when it is one, as is otherwise.
        Some(other) => {
            digest::id_card_md5(other).unwrap_or_else(|_| digest::md5_hex(other.as_bytes()))
        }
        None => digest::md5_hex(id_card_number.as_bytes()),
    };
    let name_utf8_md5 = digest::md5_hex(text(&body, "as_name").unwrap_or(&name).as_bytes());
    let openid = match text(&body, "openid") {
        Some(openid) => openid.to_owned(),
        None => ids::openid_for(&sandbox.config.appid, &format!("{id_card_number}|{name}")),
    };
    let finish_time = unix_now()
        + body
            .get("finish_time_offset_s")
            .and_then(Json::as_i64)
            .unwrap_or(0);
    let result = Result1 {
        identify_ret: body.get("identify_ret").and_then(Json::as_i64).unwrap_or(0),
        identify_time: finish_time,
        finish_time,
        validate_data: text(&body, "validate_data").map(str::to_owned),
        openid: openid.clone(),
        user_id_key: text(&body, "report_user_id_key").map_or(user_id_key, str::to_owned),
        id_card_number_md5,
        name_utf8_md5,
        getinfo_errcode: body.get("getinfo_errcode").and_then(Json::as_i64),
    };
    let verify_result = ids::random(100);
    crate::secrets_log::record(&verify_result);
    state
        .sessions
        .results1
        .insert(verify_result.clone(), result, now + ttl, now);

    let push_target = state.push.clone();
    drop(state);
    let mut pushed = false;
    if let (Some(target), Some(out_seq_no)) = (push_target, out_seq_no) {
        let event = Event {
            openid: openid.clone(),
            out_seq_no,
            verify_result: verify_result.clone(),
        };
        push::deliver(Arc::clone(sandbox), target, event);
        pushed = true;
    }
    Reply::json(&json!({"verify_result": verify_result, "openid": openid, "push": pushed}))
}

/// The phone finishes a 2.0 verification.
fn complete_v2(sandbox: &Sandbox, body: Map<String, Json>) -> Reply {
    let now = Instant::now();
    let Some(verify_id) = text(&body, "verify_id") else {
        return bad_request("verify_id is required");
    };
    let verify_ret = body
        .get("verify_ret")
        .and_then(Json::as_i64)
        .unwrap_or(10000);
    let checking_queries = match body.get("checking_queries") {
        None => 0,
        Some(v) => match v.as_u64() {
            Some(n) if n <= 1000 => n,
            _ => return bad_request("checking_queries must be an integer from 0 to 1000"),
        },
    };
    let ttl = match body.get("ttl_s") {
        None => None,
        Some(_) => match seconds(&body, "ttl_s", 0) {
            Ok(ttl) => Some(ttl),
            Err(reply) => return reply,
        },
    };
    let mut state = sandbox.lock();
    match state.sessions.verify2.get(verify_id, now) {
        Lookup::Live(session) => {
            session.verify_ret = Some(verify_ret);
            session.checking_left = checking_queries;
        }
        Lookup::Expired => return problem(410, "verify_id has expired"),
        Lookup::Unknown => return problem(404, "unknown verify_id"),
    }
    if let Some(ttl) = ttl {
        state.sessions.verify2.set_deadline(verify_id, now + ttl);
    }
    Reply::json(&json!({"ok": true, "verify_ret": verify_ret}))
}

/// Ages a 2.0 verification by `by_s` seconds, as if that time had passed:
/// its verify_id expires (84022) once its life is used up.
fn age_v2(sandbox: &Sandbox, body: Map<String, Json>) -> Reply {
    let now = Instant::now();
    let Some(verify_id) = text(&body, "verify_id") else {
        return bad_request("verify_id is required");
    };
    let by = match seconds(&body, "by_s", 3600) {
        Ok(by) => by,
        Err(reply) => return reply,
    };
    match sandbox.lock().sessions.verify2.age(verify_id, by, now) {
        Some(left) => Reply::json(&json!({"ok": true, "expires_in": left.as_secs()})),
        None => problem(404, "unknown verify_id"),
    }
}

fn last_body(sandbox: &Sandbox, request: &Request) -> Reply {
    let Some(path) = request.param("path") else {
        return bad_request("path is required");
    };
    match sandbox.lock().last_bodies.get(path) {
        Some(body) => Reply {
            status: 200,
            content_type: "application/octet-stream",
            body: body.clone(),
        },
        None => problem(404, "no body received on that path since the last reset"),
    }
}

fn with_body(request: &Request, f: impl FnOnce(Map<String, Json>) -> Reply) -> Reply {
    if request.body.is_empty() {
        return f(Map::new());
    }
    match serde_json::from_slice(&request.body) {
        Ok(Json::Object(map)) => f(map),
        _ => bad_request("the body must be a JSON object"),
    }
}

fn seconds(body: &Map<String, Json>, name: &str, default: u64) -> Result<Duration, Reply> {
    match body.get(name) {
        None => Ok(Duration::from_secs(default)),
        Some(v) => match v.as_u64() {
            Some(s) if s <= MAX_TTL_S => Ok(Duration::from_secs(s)),
            _ => Err(bad_request(&format!(
                "{name} must be an integer from 0 to {MAX_TTL_S}"
            ))),
        },
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64
}

fn ok() -> Reply {
    Reply::json(&json!({"ok": true}))
}

fn bad_request(why: &str) -> Reply {
    problem(400, why)
}

fn problem(status: u16, why: &str) -> Reply {
    Reply::json_status(status, &json!({"error": why}))
}
