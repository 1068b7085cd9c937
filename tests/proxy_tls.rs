//! Real components between the client and WeChat: tinyproxy (with and
//! without Basic credentials) and TLS with a private CA trusted only through
//! `ca_file`. Skipped, loudly, where tinyproxy or openssl is not installed
//! (`.ci/run` installs both).

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Sandbox;
use wxface::{Client, Code};

const NAME: &str = "张三";
const ID: &str = "11010519491231002X";

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wxface-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

struct Proxy {
    child: Child,
    port: u16,
}

impl Proxy {
    fn start(dir: &Path, basic_auth: Option<(&str, &str)>) -> Proxy {
        let port = free_port();
        let conf = dir.join(format!("tinyproxy-{port}.conf"));
        let mut text = format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 32\nAllow 127.0.0.1\nLogLevel Error\nPidFile \"{}\"\n",
            dir.join(format!("tinyproxy-{port}.pid")).display()
        );
        if let Some((user, pass)) = basic_auth {
            text.push_str(&format!("BasicAuth {user} {pass}\n"));
        }
        // No ConnectPort line: CONNECT is allowed to any port (the sandbox's).
        std::fs::write(&conf, text).unwrap();
        let child = Command::new("tinyproxy")
            .args(["-d", "-c"])
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tinyproxy starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tinyproxy did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Proxy { child, port }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client_via(sandbox: &Sandbox, proxy: &str) -> Client {
    let mut cfg = sandbox.config();
    cfg.set("proxy", proxy).unwrap();
    cfg.set("timeout_ms", "5000").unwrap();
    cfg.set("max_retries", "0").unwrap();
    Client::new(&cfg).unwrap()
}

#[test]
fn calls_go_through_a_real_http_proxy() {
    if !have("tinyproxy") {
        eprintln!("SKIPPED: tinyproxy not installed");
        return;
    }
    let dir = temp_dir("proxy");
    let sandbox = Sandbox::start();
    let proxy = Proxy::start(&dir, None);
    let client = client_via(&sandbox, &format!("http://127.0.0.1:{}", proxy.port));
    client
        .v1_get_user_id_key(NAME, ID, None)
        .expect("a call through tinyproxy works");
}

#[test]
fn a_proxy_with_basic_credentials_accepts_the_right_ones_and_names_the_wrong_ones() {
    if !have("tinyproxy") {
        eprintln!("SKIPPED: tinyproxy not installed");
        return;
    }
    let dir = temp_dir("proxy-auth");
    let sandbox = Sandbox::start();
    let proxy = Proxy::start(&dir, Some(("his", "s3cret-Pw")));
    let good = client_via(
        &sandbox,
        &format!("http://his:s3cret-Pw@127.0.0.1:{}", proxy.port),
    );
    good.v1_get_user_id_key(NAME, ID, None)
        .expect("right credentials work");

    let bad = client_via(
        &sandbox,
        &format!("http://his:wrong-Pw@127.0.0.1:{}", proxy.port),
    );
    let e = bad.v1_get_user_id_key(NAME, ID, None).unwrap_err();
    assert_eq!(e.code, Code::Proxy, "{e}");
    assert!(
        !e.message.contains("wrong-Pw"),
        "the proxy password leaked: {}",
        e.message
    );
}

#[test]
fn a_proxy_that_is_down_is_a_network_error() {
    let sandbox = Sandbox::start();
    let client = client_via(&sandbox, &format!("http://127.0.0.1:{}", free_port()));
    let e = client.v1_get_user_id_key(NAME, ID, None).unwrap_err();
    assert!(matches!(e.code, Code::Network | Code::Proxy), "{e}");
}

/// A private CA and a certificate for 127.0.0.1 signed by it.
fn make_ca(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let ok = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stderr(Stdio::null())
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(ok.success(), "openssl {args:?}");
    };
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=wxface test CA",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    )
}

#[test]
fn https_works_with_the_private_ca_in_ca_file_and_fails_without_it() {
    if !have("openssl") {
        eprintln!("SKIPPED: openssl not installed");
        return;
    }
    let dir = temp_dir("tls");
    let (ca, cert, key) = make_ca(&dir);
    let sandbox = Sandbox::start_with(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
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
    let (other_ca, _, _) = make_ca(&other_dir);
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
    if !have("openssl") || !have("tinyproxy") {
        eprintln!("SKIPPED: openssl or tinyproxy not installed");
        return;
    }
    let dir = temp_dir("tls-proxy");
    let (ca, cert, key) = make_ca(&dir);
    let sandbox = Sandbox::start_with(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    let proxy = Proxy::start(&dir, None);
    let mut cfg = sandbox.config();
    cfg.set("ca_file", ca.to_str().unwrap()).unwrap();
    cfg.set("proxy", &format!("http://127.0.0.1:{}", proxy.port))
        .unwrap();
    Client::new(&cfg)
        .unwrap()
        .v1_get_user_id_key(NAME, ID, None)
        .expect("TLS tunnelled through CONNECT");
}

#[test]
fn an_unreadable_ca_file_is_a_config_error() {
    let sandbox = Sandbox::start();
    let mut cfg = sandbox.config();
    cfg.set("ca_file", "/nonexistent/ca.pem").unwrap();
    let e = Client::new(&cfg).err().expect("config error");
    assert_eq!(e.code, Code::Config);
}
