//! Where access tokens come from, and what happens when WeChat rejects one.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::Sandbox;
use serde_json::{json, Value};
use wxface::token::{FetchedToken, TokenProvider};
use wxface::{Client, Code};
use zeroize::Zeroizing;

const NAME: &str = "张三";
const ID: &str = "11010519491231002X";
const GETUSERIDKEY: &str = "/cityservice/face/identify/getuseridkey";

fn fetches(sandbox: &Sandbox) -> u64 {
    sandbox.stats()["token_fetches"].as_u64().unwrap()
}

fn stable_token(base: &str) -> String {
    let body = json!({ "grant_type": "client_credential", "appid": common::APPID, "secret": common::SECRET });
    let url = format!("{base}/cgi-bin/stable_token");
    let text = ureq::post(&url)
        .send(body.to_string())
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn the_legacy_endpoint_is_used_when_configured_and_refreshed_after_invalidation() {
    let sandbox = Sandbox::start();
    let mut cfg = sandbox.config();
    cfg.set("token_endpoint", "legacy").unwrap();
    let client = Client::new(&cfg).unwrap();
    client.v1_get_user_id_key(NAME, ID, None).unwrap();
    assert_eq!(sandbox.requests("/cgi-bin/token"), 1);
    assert_eq!(sandbox.requests("/cgi-bin/stable_token"), 0);
    sandbox.control("POST", "/sandbox/token/invalidate", Value::Null);
    client.v1_get_user_id_key(NAME, ID, None).unwrap();
    assert_eq!(sandbox.requests("/cgi-bin/token"), 2);
}

#[test]
fn an_expired_token_costs_one_fetch_and_one_retry() {
    let sandbox = Sandbox::start();
    let client = sandbox.client();
    client.v1_get_user_id_key(NAME, ID, None).unwrap();
    sandbox.control("POST", "/sandbox/token/expire", Value::Null);
    client.v1_get_user_id_key(NAME, ID, None).unwrap();
    assert_eq!(fetches(&sandbox), 2);
    assert_eq!(sandbox.requests(GETUSERIDKEY), 3);
}

#[test]
fn a_wrong_secret_is_an_access_token_error_after_one_fetch() {
    let sandbox = Sandbox::start();
    let mut cfg = sandbox.config();
    cfg.set("secret", "not-the-secret").unwrap();
    let e = Client::new(&cfg)
        .unwrap()
        .v1_get_user_id_key(NAME, ID, None)
        .unwrap_err();
    assert_eq!((e.code, e.wechat_errcode), (Code::AccessToken, 40125));
    assert_eq!(fetches(&sandbox), 1, "never loop on a wrong secret");
    assert!(!e.message.contains("not-the-secret"));
}

#[test]
fn a_fixed_token_is_used_as_is_and_never_refreshed() {
    let sandbox = Sandbox::start();
    let token = stable_token(&sandbox.base);
    let mut cfg = wxface::Config::new();
    for (k, v) in [
        ("access_token", token.as_str()),
        ("api_base", sandbox.base.as_str()),
        ("proxy", "none"),
    ] {
        cfg.set(k, v).unwrap();
    }
    let client = Client::new(&cfg).unwrap();
    client.v1_get_user_id_key(NAME, ID, None).unwrap();
    sandbox.control("POST", "/sandbox/token/invalidate", Value::Null);
    let e = client.v1_get_user_id_key(NAME, ID, None).unwrap_err();
    assert_eq!((e.code, e.wechat_errcode), (Code::AccessToken, 40001));
    assert_eq!(fetches(&sandbox), 1, "only the test's own fetch");
    assert_eq!(
        sandbox.requests(GETUSERIDKEY),
        2,
        "no retry with the same fixed token"
    );
    assert!(!e.message.contains(&token));
}

struct Central {
    base: String,
    calls: AtomicUsize,
    stale_seen: std::sync::Mutex<Vec<Option<String>>>,
}

impl TokenProvider for Central {
    fn fetch(&self, stale: Option<&str>) -> wxface::Result<FetchedToken> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.stale_seen
            .lock()
            .unwrap()
            .push(stale.map(str::to_owned));
        Ok(FetchedToken {
            value: Zeroizing::new(stable_token(&self.base)),
            expires_in: Some(Duration::from_secs(7200)),
        })
    }
}

#[test]
fn a_token_provider_is_asked_again_with_the_rejected_token() {
    let sandbox = Sandbox::start();
    let central = Arc::new(Central {
        base: sandbox.base.clone(),
        calls: AtomicUsize::new(0),
        stale_seen: Default::default(),
    });
    let mut cfg = wxface::Config::new();
    cfg.set("api_base", &sandbox.base).unwrap();
    cfg.set("proxy", "none").unwrap();
    cfg.token_provider = Some(central.clone());
    let client = Client::new(&cfg).unwrap();
    client.v1_get_user_id_key(NAME, ID, None).unwrap();
    let first = client.token().unwrap().to_string();
    sandbox.control("POST", "/sandbox/token/invalidate", Value::Null);
    client.v1_get_user_id_key(NAME, ID, None).unwrap();
    assert_eq!(central.calls.load(Ordering::SeqCst), 2);
    assert_eq!(*central.stale_seen.lock().unwrap(), vec![None, Some(first)]);
}
