//! The shared scenario lists (tests/scenarios/*.json) through the Rust API.

mod common;

use common::Sandbox;
use serde_json::Value;
use wxface::{Code, Expected};

fn load(name: &str) -> Value {
    let path = format!("{}/tests/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn subst(v: &Value, people: &Value) -> Value {
    match v.as_str() {
        Some(s) if s.starts_with("$other.") => {
            let field = &s["$other.".len()..];
            if field == "cert_hash" {
                let o = &people["other"];
                Value::String(wxface::digest::cert_hash(
                    "IDENTITY_CARD",
                    o["name"].as_str().unwrap(),
                    o["id_card_number"].as_str().unwrap(),
                ))
            } else {
                people["other"][field].clone()
            }
        }
        _ => v.clone(),
    }
}

/// The code, verify_ret, wechat_errcode and message a scenario expects.
fn check_expectations(s: &Value, r: &wxface::Result<wxface::Response>) {
    let title = s["name"].as_str().unwrap();
    let err = r.as_ref().err();
    assert_eq!(
        code_name(r),
        s["expect"].as_str().unwrap(),
        "{title}: {err:?}"
    );
    if let Some(ret) = s["verify_ret"].as_i64() {
        assert_eq!(err.map(|e| i64::from(e.verify_ret)), Some(ret), "{title}");
    }
    if let Some(errcode) = s["wechat_errcode"].as_i64() {
        assert_eq!(
            err.map(|e| i64::from(e.wechat_errcode)),
            Some(errcode),
            "{title}"
        );
    }
    if let Some(part) = s["message_contains"].as_str() {
        let message = err.map(|e| e.message.as_str()).unwrap_or_default();
        assert!(message.contains(part), "{title}: {message}");
    }
}

/// A client whose 2.0 wait pauses briefly, so the wait scenarios run fast.
fn scenario_client(sandbox: &Sandbox) -> wxface::Client {
    let mut cfg = sandbox.config();
    cfg.set("wait_interval_ms", "20").unwrap();
    wxface::Client::new(&cfg).unwrap()
}

/// Queues the errcode a scenario wants WeChat to answer on `path`.
fn inject(sandbox: &Sandbox, s: &Value, path: &str) {
    if let Some(errcode) = s["wechat_answers"].as_i64() {
        sandbox.fault(serde_json::json!({"path": path, "kind": "errcode", "errcode": errcode}));
    }
}

const GET_VERIFY_ID: &str = "/cityservice/face/identify/getverifyid";
const QUERY: &str = "/cityservice/face/identify/queryverifyinfo";

fn code_name(r: &wxface::Result<wxface::Response>) -> &'static str {
    r.as_ref().err().map_or(Code::Ok, |e| e.code).name()
}

#[test]
fn v1_verify_scenarios() {
    let list = load("v1_verify.json");
    let people = &list["people"];
    let sandbox = Sandbox::start();
    let client = sandbox.client();
    let (name, id) = (
        people["expected"]["name"].as_str().unwrap(),
        people["expected"]["id_card_number"].as_str().unwrap(),
    );
    for s in list["scenarios"].as_array().unwrap() {
        let title = s["name"].as_str().unwrap();
        let key = client
            .v1_get_user_id_key(name, id, None)
            .unwrap()
            .text("user_id_key")
            .unwrap();
        let outcome: serde_json::Map<String, Value> = s["complete"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), subst(v, people)))
            .collect();
        let (mut verify_result, openid) = sandbox.complete_v1(&key, &Value::Object(outcome));
        if let Some(f) = s["forge_verify_result"].as_str() {
            verify_result = f.to_owned();
        }
        let with = |f: &str| {
            s["verify_with"]
                .get(f)
                .map(|v| subst(v, people).as_str().unwrap().to_owned())
        };
        let (vname, vid, vopenid) = (
            with("name").unwrap_or(name.into()),
            with("id_card_number").unwrap_or(id.into()),
            with("openid").unwrap_or(openid),
        );
        let expected = Expected {
            name: &vname,
            id_card_number: &vid,
            user_id_key: Some(&key),
            openid: Some(&vopenid),
        };
        let r = client.v1_verify(&verify_result, &expected);
        check_expectations(s, &r);
        if let Some(again) = s["then_again"].as_str() {
            assert_eq!(
                code_name(&client.v1_verify(&verify_result, &expected)),
                again,
                "{title} (again)"
            );
        }
    }
}

#[test]
fn v2_query_scenarios() {
    let list = load("v2_query.json");
    let people = &list["people"];
    let sandbox = Sandbox::start();
    let client = scenario_client(&sandbox);
    let (name, id) = (
        people["expected"]["name"].as_str().unwrap(),
        people["expected"]["id_card_number"].as_str().unwrap(),
    );
    for s in list["scenarios"].as_array().unwrap() {
        let seq = wxface::out_seq_no::new();
        let openid = "o_v2_expected_user_0000000001";
        let r = client.v2_get_verify_id(&seq, openid, name, id).unwrap();
        let (verify_id, cert_hash) = (r.text("verify_id").unwrap(), r.text("cert_hash").unwrap());
        if let Some(o) = s["complete"].as_object() {
            let mut body = serde_json::json!({ "verify_id": verify_id });
            for (k, v) in o {
                body[k] = v.clone();
            }
            sandbox.control("POST", "/sandbox/v2/complete", body);
        }
        if let Some(by) = s["age_s"].as_u64() {
            let body = serde_json::json!({ "verify_id": verify_id, "by_s": by });
            sandbox.control("POST", "/sandbox/v2/age", body);
        }
        inject(&sandbox, s, QUERY);
        let with = |f: &str, default: &str| {
            s["query_with"].get(f).map_or(default.to_owned(), |v| {
                subst(v, people).as_str().unwrap().to_owned()
            })
        };
        let (vid, seq, openid, hash) = (
            with("verify_id", &verify_id),
            with("out_seq_no", &seq),
            with("openid", openid),
            with("cert_hash", &cert_hash),
        );
        let sent_before = sandbox.requests(QUERY);
        let r = match s["wait_ms"].as_u64() {
            Some(ms) => client.v2_wait(
                &vid,
                &seq,
                &openid,
                &hash,
                std::time::Duration::from_millis(ms),
                None,
            ),
            None => client.v2_query(&vid, &seq, &openid, &hash),
        };
        check_expectations(s, &r);
        if s["sent"] == false {
            assert_eq!(sandbox.requests(QUERY), sent_before, "{}", s["name"]);
        }
    }
}

#[test]
fn v2_start_scenarios() {
    let list = load("v2_start.json");
    let people = &list["people"];
    let sandbox = Sandbox::start();
    let client = scenario_client(&sandbox);
    let (name, id) = (
        people["expected"]["name"].as_str().unwrap(),
        people["expected"]["id_card_number"].as_str().unwrap(),
    );
    for s in list["scenarios"].as_array().unwrap() {
        let title = s["name"].as_str().unwrap();
        let seq = s["out_seq_no"]
            .as_str()
            .map_or_else(wxface::out_seq_no::new, str::to_owned);
        let openid = s["openid"]
            .as_str()
            .unwrap_or("o_v2_expected_user_0000000001");
        inject(&sandbox, s, GET_VERIFY_ID);
        let sent_before = sandbox.requests(GET_VERIFY_ID);
        let r = client.v2_get_verify_id(&seq, openid, name, id);
        check_expectations(s, &r);
        if s["sent"] == false {
            assert_eq!(sandbox.requests(GET_VERIFY_ID), sent_before, "{title}");
        }
        if let Some(again) = s["then_again"].as_str() {
            let e = client
                .v2_get_verify_id(&seq, openid, name, id)
                .expect_err(title);
            assert_eq!(e.code.name(), again, "{title} (again)");
            if let Some(errcode) = s["then_again_wechat_errcode"].as_i64() {
                assert_eq!(i64::from(e.wechat_errcode), errcode, "{title} (again)");
            }
        }
    }
}

#[test]
fn names_travel_as_raw_utf8_and_ids_in_canonical_form() {
    let sandbox = Sandbox::start();
    let client = sandbox.client();
    client
        .v1_get_user_id_key("张三", "11010519491231002x", None)
        .unwrap();
    client
        .v2_get_verify_id(
            "seq-utf8",
            "o_utf8_user_00000000000000001",
            "张三",
            "１１０１０５１９４９１２３１００２ｘ",
        )
        .unwrap();
    for path in [
        "/cityservice/face/identify/getuseridkey",
        "/cityservice/face/identify/getverifyid",
    ] {
        let url = format!("{}/sandbox/last-body?path={path}", sandbox.base);
        let body = ureq::get(&url)
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        assert!(body.contains("张三"), "{path}: the name is not raw UTF-8");
        assert!(!body.contains("\\u"), "{path}: \\u escapes in the body");
        assert!(
            body.contains("11010519491231002X"),
            "{path}: the ID is not normalised"
        );
    }
}
