//! Real components between the client and WeChat: tinyproxy (with and
//! without Basic credentials), microsocks (SOCKS5, with and without a user
//! and password) and TLS with a private CA trusted only through `ca_file`.
//! `.ci/run` installs tinyproxy, microsocks and openssl; without them these
//! tests fail rather than skip.

mod common;
#[path = "common/fixtures.rs"]
mod fixtures;

use common::Sandbox;
use fixtures::{free_port, temp_dir, Microsocks, Pki, Tinyproxy};
use wxface::{Client, Code};

const NAME: &str = "张三";
const ID: &str = "11010519491231002X";

fn client_via(sandbox: &Sandbox, proxy: &str) -> Client {
    let mut cfg = sandbox.config();
    cfg.set("proxy", proxy).unwrap();
    cfg.set("timeout_ms", "5000").unwrap();
    cfg.set("max_retries", "0").unwrap();
    Client::new(&cfg).unwrap()
}

/// A sandbox serving HTTPS with a certificate of a private CA made in
/// `dir`, and that CA's file.
fn tls_sandbox(dir: &std::path::Path) -> (std::path::PathBuf, Sandbox) {
    let Pki { ca, cert, key } = Pki::make(dir, "wxface test CA");
    let sandbox = Sandbox::start_with(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    (ca, sandbox)
}

/// Through `scheme://his:PASSWORD@127.0.0.1:port`: the right password
/// (`s3cret-Pw`) works, a wrong one is `WXFACE_ERR_PROXY` and its message
/// does not hold it.
fn credentials_checked(sandbox: &Sandbox, scheme: &str, port: u16) {
    let via = |password: &str| {
        client_via(
            sandbox,
            &format!("{scheme}://his:{password}@127.0.0.1:{port}"),
        )
    };
    via("s3cret-Pw")
        .v1_get_user_id_key(NAME, ID, None)
        .expect("the right password works");
    let e = via("wrong-Pw")
        .v1_get_user_id_key(NAME, ID, None)
        .unwrap_err();
    assert_eq!(e.code, Code::Proxy, "{e}");
    assert!(
        !e.message.contains("wrong-Pw"),
        "the proxy password leaked: {}",
        e.message
    );
}

#[test]
fn calls_go_through_a_real_http_proxy() {
    let dir = temp_dir("proxy");
    let sandbox = Sandbox::start();
    let proxy = Tinyproxy::start(&dir, None);
    let client = client_via(&sandbox, &proxy.url());
    client
        .v1_get_user_id_key(NAME, ID, None)
        .expect("a call through tinyproxy works");
}

#[test]
fn a_proxy_with_basic_credentials_accepts_the_right_ones_and_names_the_wrong_ones() {
    let dir = temp_dir("proxy-auth");
    let sandbox = Sandbox::start();
    let proxy = Tinyproxy::start(&dir, Some(("his", "s3cret-Pw")));
    credentials_checked(&sandbox, "http", proxy.port);
}

#[test]
fn a_proxy_that_is_down_is_a_network_error() {
    let sandbox = Sandbox::start();
    let client = client_via(&sandbox, &format!("http://127.0.0.1:{}", free_port()));
    let e = client.v1_get_user_id_key(NAME, ID, None).unwrap_err();
    assert!(matches!(e.code, Code::Network | Code::Proxy), "{e}");
}

#[test]
fn calls_go_through_a_real_socks5_proxy() {
    let sandbox = Sandbox::start();
    let proxy = Microsocks::start(None);
    let url = format!("socks5://127.0.0.1:{}", proxy.port);
    let client = client_via(&sandbox, &url);
    for _ in 0..3 {
        client
            .v1_get_user_id_key(NAME, ID, None)
            .expect("a call through microsocks works");
    }
    // The calls went through it: without it, a new client cannot reach
    // the sandbox (which is still up) that way.
    drop(proxy);
    let e = client_via(&sandbox, &url)
        .v1_get_user_id_key(NAME, ID, None)
        .unwrap_err();
    assert_eq!(e.code, Code::Network, "{e}");
}

#[test]
fn a_socks5_proxy_with_a_password_accepts_the_right_one_and_refuses_the_wrong_one() {
    let sandbox = Sandbox::start();
    let proxy = Microsocks::start(Some(("his", "s3cret-Pw")));
    credentials_checked(&sandbox, "socks5", proxy.port);
}

#[test]
fn https_works_with_the_private_ca_in_ca_file_and_fails_without_it() {
    let dir = temp_dir("tls");
    let (ca, sandbox) = tls_sandbox(&dir);
    assert!(sandbox.base.starts_with("https://"), "{}", sandbox.base);

    let mut cfg = sandbox.config();
    cfg.set("ca_file", ca.to_str().unwrap()).unwrap();
    Client::new(&cfg)
        .unwrap()
        .v1_get_user_id_key(NAME, ID, None)
        .expect("trusted through ca_file");

    let untrusted = Client::new(&sandbox.config()).unwrap();
    let e = untrusted.v1_get_user_id_key(NAME, ID, None).unwrap_err();
    assert_eq!(e.code, Code::Tls, "{e}");

    let other_dir = temp_dir("tls-other");
    let other_ca = Pki::make(&other_dir, "another CA").ca;
    let mut cfg = sandbox.config();
    cfg.set("ca_file", other_ca.to_str().unwrap()).unwrap();
    let e = Client::new(&cfg)
        .unwrap()
        .v1_get_user_id_key(NAME, ID, None)
        .unwrap_err();
    assert_eq!(e.code, Code::Tls, "another CA must not be trusted: {e}");
}

#[test]
fn https_through_the_proxy_with_the_private_ca() {
    let dir = temp_dir("tls-proxy");
    let (ca, sandbox) = tls_sandbox(&dir);
    let proxy = Tinyproxy::start(&dir, None);
    let mut cfg = sandbox.config();
    cfg.set("ca_file", ca.to_str().unwrap()).unwrap();
    cfg.set("proxy", &proxy.url()).unwrap();
    Client::new(&cfg)
        .unwrap()
        .v1_get_user_id_key(NAME, ID, None)
        .expect("TLS tunnelled through CONNECT");
}

#[test]
fn https_through_a_socks5_proxy_with_the_private_ca() {
    let dir = temp_dir("tls-socks");
    let (ca, sandbox) = tls_sandbox(&dir);
    let proxy = Microsocks::start(None);
    let mut cfg = sandbox.config();
    cfg.set("ca_file", ca.to_str().unwrap()).unwrap();
    cfg.set("proxy", &format!("socks5://127.0.0.1:{}", proxy.port))
        .unwrap();
    Client::new(&cfg)
        .unwrap()
        .v1_get_user_id_key(NAME, ID, None)
        .expect("TLS through SOCKS5");
}

#[test]
fn an_unreadable_ca_file_is_a_config_error() {
    let sandbox = Sandbox::start();
    let mut cfg = sandbox.config();
    cfg.set("ca_file", "/nonexistent/ca.pem").unwrap();
    let e = Client::new(&cfg).err().expect("config error");
    assert_eq!(e.code, Code::Config);
}
