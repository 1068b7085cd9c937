//! Real redis-server processes for the state store tests: standalone (with
//! a password, an ACL user or TLS) and a three-master Cluster, each on free
//! loopback ports in its own scratch directory, killed when dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const PASSWORD: &str = "redis-test-password-5f1c";

/// Fails the test (not a skip) when Debian's redis-server is missing:
/// `.ci/run` installs it.
pub fn require_redis() {
    for tool in ["redis-server", "redis-cli"] {
        let found = Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            found,
            "{tool} is not installed: apt-get install redis-server (.ci/run does)"
        );
    }
}

pub fn scratch_dir(what: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("wxface-redis-{}-{what}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A port free now whose cluster bus port (+10000) is free too.
fn free_port() -> u16 {
    loop {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = l.local_addr().expect("addr").port();
        if port < 55_000 && TcpListener::bind(("127.0.0.1", port + 10_000)).is_ok() {
            return port;
        }
    }
}

pub struct RedisServer {
    child: Option<Child>,
    pub port: u16,
    pub dir: PathBuf,
    args: Vec<String>,
    pub tls: bool,
}

impl RedisServer {
    /// Persistence on (`appendfsync always`): a SIGKILL loses nothing
    /// acknowledged, as a production store configured per the README.
    pub fn start(extra: &[&str]) -> RedisServer {
        RedisServer::start_in(scratch_dir("node"), extra, false)
    }

    pub fn start_in(dir: PathBuf, extra: &[&str], tls: bool) -> RedisServer {
        require_redis();
        let port = free_port();
        let port_s = port.to_string();
        let mut args: Vec<String> =
            vec!["--bind", "127.0.0.1", "--save", "", "--appendonly", "yes"]
                .into_iter()
                .map(String::from)
                .collect();
        args.extend(["--appendfsync", "always", "--dir"].map(String::from));
        args.push(dir.display().to_string());
        if tls {
            args.extend(["--port", "0", "--tls-port", &port_s].map(String::from));
        } else {
            args.extend(["--port", &port_s].map(String::from));
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let mut server = RedisServer {
            child: None,
            port,
            dir,
            args,
            tls,
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let mut child = Command::new("redis-server")
            .args(&self.args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        let out = BufReader::new(child.stdout.take().expect("stdout"));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                if line.contains("Ready to accept connections") {
                    let _ = tx.send(());
                }
            }
        });
        if rx.recv_timeout(Duration::from_secs(10)).is_err() {
            let _ = child.kill();
            panic!("redis-server on port {} did not become ready", self.port);
        }
        self.child = Some(child);
    }

    /// SIGKILL: what a crash or a pulled cable looks like to the clients.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Same port, same directory, same data.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    pub fn url(&self, userinfo: &str) -> String {
        let scheme = if self.tls { "rediss" } else { "redis" };
        format!("{scheme}://{userinfo}127.0.0.1:{}", self.port)
    }

    /// A direct connection for the test's own look into the store.
    pub fn inspect(&self, userinfo: &str, ca: Option<&Path>) -> redis::Connection {
        let url = self.url(userinfo);
        let client = match ca {
            Some(ca) => redis::Client::build_with_tls(
                url.as_str(),
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(std::fs::read(ca).expect("ca")),
                },
            ),
            None => redis::Client::open(url.as_str()),
        }
        .expect("client");
        client
            .get_connection_with_timeout(Duration::from_secs(5))
            .expect("inspect connection")
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A test CA and a server certificate for 127.0.0.1, made by openssl now.
pub struct TestPki {
    pub dir: PathBuf,
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
    pub other_ca: PathBuf,
}

impl TestPki {
    /// Needs `mod fixtures` (tests/common/fixtures.rs) beside this module.
    pub fn make() -> TestPki {
        let dir = scratch_dir("pki");
        let other = dir.join("other");
        std::fs::create_dir_all(&other).expect("scratch dir");
        let pki = crate::fixtures::Pki::make(&dir, "wxface test ca");
        TestPki {
            ca: pki.ca,
            cert: pki.cert,
            key: pki.key,
            other_ca: crate::fixtures::Pki::make(&other, "wxface test other-ca").ca,
            dir,
        }
    }

    pub fn server_args(&self) -> Vec<String> {
        vec![
            "--tls-cert-file".into(),
            self.cert.display().to_string(),
            "--tls-key-file".into(),
            self.key.display().to_string(),
            "--tls-ca-cert-file".into(),
            self.ca.display().to_string(),
            "--tls-auth-clients".into(),
            "no".into(),
        ]
    }
}

impl Drop for TestPki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Three masters, no replicas, all requiring PASSWORD.
pub struct RedisCluster {
    pub nodes: Vec<RedisServer>,
}

impl RedisCluster {
    pub fn start() -> RedisCluster {
        RedisCluster::start_with(&[])
    }

    pub fn start_with(extra: &[&str]) -> RedisCluster {
        let auth = ["--requirepass", PASSWORD, "--masterauth", PASSWORD];
        let nodes: Vec<RedisServer> = (0..3)
            .map(|_| {
                let mut args = vec!["--cluster-enabled", "yes", "--cluster-node-timeout", "2000"];
                args.extend(auth);
                args.extend(extra);
                RedisServer::start(&args)
            })
            .collect();
        let addrs: Vec<String> = nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect();
        let out = Command::new("redis-cli")
            .args(["-a", PASSWORD, "--no-auth-warning", "--cluster", "create"])
            .args(&addrs)
            .arg("--cluster-yes")
            .output()
            .expect("redis-cli runs");
        assert!(out.status.success(), "redis-cli --cluster create failed");
        let cluster = RedisCluster { nodes };
        let deadline = Instant::now() + Duration::from_secs(15);
        while !cluster.ready() {
            assert!(
                Instant::now() < deadline,
                "the cluster did not become ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        cluster
    }

    fn ready(&self) -> bool {
        self.nodes.iter().all(|n| {
            let mut c = n.inspect(&format!(":{PASSWORD}@"), None);
            let info: String = redis::cmd("CLUSTER")
                .arg("INFO")
                .query(&mut c)
                .unwrap_or_default();
            info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3")
        })
    }

    /// `redis-cluster://:PASSWORD@h1:p1,h2:p2` (two seeds are enough).
    pub fn setting(&self) -> String {
        format!(
            "redis-cluster://:{PASSWORD}@127.0.0.1:{},127.0.0.1:{}",
            self.nodes[0].port, self.nodes[1].port
        )
    }

    /// How many keys each master holds.
    pub fn keys_per_node(&self) -> Vec<usize> {
        self.nodes
            .iter()
            .map(|n| {
                let mut c = n.inspect(&format!(":{PASSWORD}@"), None);
                redis::cmd("DBSIZE").query::<usize>(&mut c).unwrap_or(0)
            })
            .collect()
    }
}
