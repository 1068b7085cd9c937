//! `wxface doctor`: from the configuration file to an access token, one
//! verdict per step, so that support staff know within minutes whether a
//! night's failures are the proxy, the certificate store, the clock, the
//! appid's whitelist or WeChat; and one summary line with the exit status
//! of a monitoring plugin (0 OK, 1 WARNING, 2 CRITICAL).

use std::net::TcpStream;
use std::path::Path;
use std::time::Instant;

use wxface::config::TokenEndpoint;
use wxface::push::{Format, Mode};
use wxface::{Client, Code, Config};

use crate::probe::{self, Endpoint, ProxyRefusal, ProxyUrl, TlsFailure};
use crate::support::{load_config, unix_now};

/// A clock within this of the server's is fine...
const CLOCK_OK_S: u64 = 30;
/// ...and beyond this pushes and 1.0 results start to be misjudged.
const CLOCK_FAIL_S: u64 = 120;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Skip,
    Ok,
    Warn,
    Fail,
}

struct Step {
    name: &'static str,
    status: Status,
    detail: String,
}

#[derive(Default)]
struct Report {
    steps: Vec<Step>,
}

impl Report {
    fn add(&mut self, name: &'static str, status: Status, detail: impl Into<String>) {
        self.steps.push(Step {
            name,
            status,
            detail: detail.into(),
        });
    }

    fn worst(&self) -> Status {
        self.steps
            .iter()
            .map(|s| s.status)
            .max()
            .unwrap_or(Status::Skip)
    }

    /// The verdict and each step's status as gauges, and when the run
    /// ended, so that a stale textfile (the check stopped running) can be
    /// told from a healthy one.
    fn metrics(&self, status: u8) -> String {
        use crate::metrics::gauge;
        let steps: Vec<(String, f64)> = self
            .steps
            .iter()
            .filter(|s| s.status != Status::Skip)
            .map(|s| {
                let value = match s.status {
                    Status::Fail => 2.0,
                    Status::Warn => 1.0,
                    _ => 0.0,
                };
                (format!("{{step=\"{}\"}}", s.name), value)
            })
            .fold(
                Vec::new(),
                |mut acc: Vec<(String, f64)>, (labels, value)| {
                    // A step may report twice (config: valid, then a warning): the worse counts.
                    match acc.iter_mut().find(|(l, _)| *l == labels) {
                        Some(seen) => seen.1 = seen.1.max(value),
                        None => acc.push((labels, value)),
                    }
                    acc
                },
            );
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        [
            gauge(
                "wxface_doctor_status",
                "The doctor's verdict: 0 OK, 1 WARNING, 2 CRITICAL.",
                &[(String::new(), f64::from(status))],
            ),
            gauge(
                "wxface_doctor_step_status",
                "Each step that ran: 0 ok, 1 warning, 2 failed.",
                &steps,
            ),
            gauge(
                "wxface_doctor_last_run_timestamp_seconds",
                "When the doctor ran, Unix seconds.",
                &[(String::new(), now as f64)],
            ),
        ]
        .concat()
    }

    fn print(&self, quiet: bool) {
        if !quiet {
            for s in &self.steps {
                let label = match s.status {
                    Status::Ok => " ok ",
                    Status::Warn => "WARN",
                    Status::Fail => "FAIL",
                    Status::Skip => "skip",
                };
                println!("[{label}] {:<7}{}", s.name, s.detail);
            }
        }
        let count = |st: Status| self.steps.iter().filter(|s| s.status == st).count();
        let names = |st: Status| {
            self.steps
                .iter()
                .filter(|s| s.status == st)
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let tally = format!(
            "{} ok, {} warning(s), {} failed, {} skipped",
            count(Status::Ok),
            count(Status::Warn),
            count(Status::Fail),
            count(Status::Skip)
        );
        match self.worst() {
            Status::Fail => println!(
                "wxface doctor: CRITICAL - failed: {} ({tally})",
                names(Status::Fail)
            ),
            Status::Warn => println!("wxface doctor: WARNING - {} ({tally})", names(Status::Warn)),
            _ => println!("wxface doctor: OK ({tally})"),
        }
    }
}

/// Runs every step and prints the report; returns the exit status.
pub fn run(config_path: &Path, quiet: bool, prometheus: Option<&Path>) -> u8 {
    let mut report = Report::default();
    if !quiet {
        println!(
            "wxface doctor {} (library {}), configuration {}",
            env!("CARGO_PKG_VERSION"),
            wxface::VERSION,
            config_path.display()
        );
    }
    let mut client = None;
    check(config_path, &mut report, &mut client);
    report.print(quiet);
    let status = match report.worst() {
        Status::Fail => 2,
        Status::Warn => 1,
        _ => 0,
    };
    if let Some(path) = prometheus {
        if let Err(e) = crate::metrics::write(path, client.as_ref(), &report.metrics(status)) {
            eprintln!("wxface doctor: {e}");
            return 2;
        }
    }
    status
}

const STEPS: [&str; 7] = ["config", "dns", "proxy", "tls", "clock", "token", "push"];

fn skip_rest(report: &mut Report, why: &str) {
    let done: Vec<&str> = report.steps.iter().map(|s| s.name).collect();
    for name in STEPS.iter().filter(|n| !done.contains(n)) {
        report.add(name, Status::Skip, format!("not tried: {why}"));
    }
}

/// Runs the steps; `made` receives the client once the configuration made
/// one, for its counters.
fn check(config_path: &Path, report: &mut Report, made: &mut Option<Client>) {
    // 1. The configuration, read by the library exactly as a client reads it.
    let cfg = match load_config(config_path).and_then(|cfg| Client::new(&cfg).map(|c| (cfg, c))) {
        Ok((cfg, client)) => {
            report.add("config", Status::Ok, describe_config(&cfg));
            if let Some(warning) = permission_warning(config_path, &cfg) {
                report.add("config", Status::Warn, warning);
            }
            (cfg, client)
        }
        Err(e) => {
            report.add(
                "config",
                Status::Fail,
                format!("{} ({}): {}", e.code.name(), e.code as i32, e.message),
            );
            skip_rest(report, "the configuration is not valid");
            return;
        }
    };
    let (cfg, client) = cfg;
    *made = Some(client.clone());
    let Some(target) = Endpoint::parse(&cfg.api_base) else {
        report.add("dns", Status::Fail, "api_base is not scheme://host[:port]");
        skip_rest(report, "api_base is not usable");
        return;
    };
    let proxy_url = wxface::proxy::effective(&cfg.proxy, &cfg.api_base);
    let proxy = proxy_url.as_deref().and_then(ProxyUrl::parse);

    // 2. DNS: the name this machine must resolve (the proxy's, when there
    // is one: the proxy resolves WeChat's).
    let (dns_host, dns_port) = match &proxy {
        Some(p) => (p.host.clone(), p.port),
        None => (target.host.clone(), target.port),
    };
    let started = Instant::now();
    let addrs = match probe::resolve(&dns_host, dns_port) {
        Ok(addrs) => {
            let first = addrs[0].ip();
            let more = if addrs.len() > 1 {
                format!(" (and {} more)", addrs.len() - 1)
            } else {
                String::new()
            };
            let literal = dns_host.parse::<std::net::IpAddr>().is_ok();
            let via = if proxy.is_some() && target.host.parse::<std::net::IpAddr>().is_err() {
                format!("; {} is resolved by the proxy", target.host)
            } else {
                String::new()
            };
            let what = if literal {
                format!("{dns_host} is an address, nothing to resolve{via}")
            } else {
                format!(
                    "{dns_host} -> {first}{more} in {} ms{via}",
                    started.elapsed().as_millis()
                )
            };
            report.add("dns", Status::Ok, what);
            addrs
        }
        Err(e) => {
            report.add(
                "dns",
                Status::Fail,
                format!(
                    "cannot resolve {dns_host}: {e}; check /etc/resolv.conf, or reach WeChat through a proxy (proxy key)"
                ),
            );
            skip_rest(report, "dns failed");
            return;
        }
    };

    // 3. The proxy: reachable, and accepting the credentials for a tunnel.
    let tunnel = match (&proxy, proxy_url.is_some()) {
        (None, true) => {
            report.add(
                "proxy",
                Status::Fail,
                "the proxy URL in use cannot be parsed",
            );
            skip_rest(report, "proxy failed");
            return;
        }
        (None, false) => {
            report.add(
                "proxy",
                Status::Skip,
                "none: direct connection (no proxy key, no https_proxy/all_proxy for this host)",
            );
            match probe::connect(&addrs, cfg.connect_timeout, cfg.timeout) {
                Ok(tcp) => Some(tcp),
                Err(e) => {
                    report.add(
                        "tls",
                        Status::Fail,
                        format!(
                            "cannot connect to {}: {}; check the firewall, or use a proxy",
                            target.authority(),
                            e.kind()
                        ),
                    );
                    skip_rest(report, "no connection to api_base");
                    return;
                }
            }
        }
        (Some(p), _) => match check_proxy(p, &addrs, &target, &cfg, report) {
            Some(tunnel) => tunnel,
            None => {
                skip_rest(report, "proxy failed");
                return;
            }
        },
    };

    // 4. TLS, with the roots the library trusts; 5. the server's clock.
    if let Some(tcp) = tunnel {
        if target.https {
            match check_tls(tcp, &target, &cfg, report) {
                Some(mut tls) => check_clock(&mut tls, &target, &cfg, report),
                None => {
                    report.add("clock", Status::Skip, "not measured: tls failed");
                    report.add("token", Status::Skip, "not tried: tls failed");
                    check_push(&client, &cfg, report);
                    return;
                }
            }
        } else {
            report.add(
                "tls",
                Status::Skip,
                format!(
                    "api_base is http:// (no TLS: a sandbox, or a gateway that adds TLS); {}",
                    target.authority()
                ),
            );
            let mut tcp = tcp;
            check_clock(&mut tcp, &target, &cfg, report);
        }
    } else {
        report.add(
            "tls",
            Status::Skip,
            "not probed through a SOCKS proxy; the token step goes through it",
        );
        report.add("clock", Status::Skip, "not measured through a SOCKS proxy");
    }

    // 6. An access token, through the library: what every call needs first.
    check_token(&client, &cfg, report);
    // 7. Message-push keys.
    check_push(&client, &cfg, report);
}

fn describe_config(cfg: &Config) -> String {
    let source = if cfg.access_token.is_some() {
        "a fixed access_token".to_owned()
    } else {
        match cfg.token_endpoint {
            TokenEndpoint::Stable => "appid+secret via stable_token".to_owned(),
            TokenEndpoint::Legacy => "appid+secret via cgi-bin/token".to_owned(),
        }
    };
    let mut s = format!(
        "valid; appid {}, tokens from {source}, api_base {}",
        cfg.appid.as_deref().unwrap_or("(none)"),
        cfg.api_base
    );
    if let Some(ca) = &cfg.ca_file {
        s.push_str(&format!(", ca_file {}", ca.display()));
    }
    s
}

#[cfg(unix)]
fn permission_warning(path: &Path, cfg: &Config) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let holds_secrets =
        cfg.secret.is_some() || cfg.access_token.is_some() || cfg.push_aes_key.is_some();
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (holds_secrets && mode & 0o004 != 0).then(|| {
        format!(
            "{} is readable by every user (mode {:o}) and holds secrets: chmod 600 (or 640 with the service's group)",
            path.display(),
            mode & 0o777
        )
    })
}

#[cfg(not(unix))]
fn permission_warning(_: &Path, _: &Config) -> Option<String> {
    None
}

/// `Some(Some(tunnel))` through an HTTP proxy, `Some(None)` for SOCKS
/// (reachable; the library does the handshake), `None` after a failure.
fn check_proxy(
    proxy: &ProxyUrl,
    addrs: &[std::net::SocketAddr],
    target: &Endpoint,
    cfg: &Config,
    report: &mut Report,
) -> Option<Option<TcpStream>> {
    let tcp = match probe::connect(addrs, cfg.connect_timeout, cfg.timeout) {
        Ok(tcp) => tcp,
        Err(e) => {
            report.add(
                "proxy",
                Status::Fail,
                format!("{proxy} is not reachable: {}", e.kind()),
            );
            return None;
        }
    };
    if proxy.socks {
        report.add(
            "proxy",
            Status::Ok,
            format!("{proxy} is reachable (SOCKS: the token step checks the handshake)"),
        );
        return Some(None);
    }
    match probe::http_connect(tcp, proxy, target) {
        Ok(tunnel) => {
            let who = if proxy.has_credentials() {
                "with the configured credentials"
            } else {
                "without credentials"
            };
            report.add(
                "proxy",
                Status::Ok,
                format!("{proxy} opened a tunnel to {} {who}", target.authority()),
            );
            Some(Some(tunnel))
        }
        Err(refusal) => {
            let why = match refusal {
                // 407 is the standard answer; some proxies (tinyproxy) send 401.
                ProxyRefusal::Status(s @ (401 | 407)) if proxy.has_credentials() => format!(
                    "rejected the credentials (HTTP {s}): check the user and password in the proxy key"
                ),
                ProxyRefusal::Status(s @ (401 | 407)) => format!(
                    "requires credentials (HTTP {s}): put them in the proxy key, http://user:password@host:port"
                ),
                ProxyRefusal::Status(403) => format!(
                    "forbids a tunnel to {} (HTTP 403): ask for it to be allowed",
                    target.authority()
                ),
                ProxyRefusal::Status(s) => format!("refused the tunnel with HTTP {s}"),
                ProxyRefusal::Io(e) => format!("failed during CONNECT: {}", e.kind()),
                ProxyRefusal::Malformed => "did not answer as an HTTP proxy".to_owned(),
            };
            report.add("proxy", Status::Fail, format!("{proxy} {why}"));
            None
        }
    }
}

fn check_tls(
    tcp: TcpStream,
    target: &Endpoint,
    cfg: &Config,
    report: &mut Report,
) -> Option<rustls::StreamOwned<rustls::ClientConnection, TcpStream>> {
    let trust = match &cfg.ca_file {
        Some(p) => format!("ca_file {}", p.display()),
        None => "the built-in roots".to_owned(),
    };
    let roots = match probe::roots(cfg.ca_file.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            report.add("tls", Status::Fail, e);
            return None;
        }
    };
    match probe::tls_handshake(tcp, &target.host, roots) {
        Ok((stream, seen)) => {
            report.add(
                "tls",
                Status::Ok,
                format!(
                    "{}, certificate {} issued by {}, trusted by {trust}",
                    seen.version, seen.subject, seen.issuer
                ),
            );
            Some(stream)
        }
        Err(failure) => {
            let why = match failure {
                TlsFailure::Untrusted { issuer } => format!(
                    "certificate issued by \"{issuer}\" is not trusted by {trust}: an HTTPS-inspecting gateway? \
                     Put its CA certificate (PEM) in ca_file, or have {} exempted",
                    target.host
                ),
                TlsFailure::Validity { what } => format!(
                    "the server's certificate {what} (as this machine's clock sees it): check the clock"
                ),
                TlsFailure::WrongName { subject } => format!(
                    "the certificate ({subject}) is not for {}: api_base or a gateway is wrong",
                    target.host
                ),
                TlsFailure::Other(e) => format!("handshake failed: {e}"),
            };
            report.add("tls", Status::Fail, why);
            None
        }
    }
}

fn check_clock(
    stream: &mut (impl std::io::Read + std::io::Write),
    target: &Endpoint,
    cfg: &Config,
    report: &mut Report,
) {
    let clock = match probe::server_clock(stream, target) {
        Ok(c) => c,
        Err(e) => {
            report.add(
                "clock",
                Status::Warn,
                format!(
                    "no HTTP answer to read the server's Date from: {}",
                    e.kind()
                ),
            );
            return;
        }
    };
    let Some(date) = clock.date else {
        report.add(
            "clock",
            Status::Warn,
            format!(
                "the server's answer (HTTP {}) has no Date header: cannot compare clocks",
                clock.status
            ),
        );
        return;
    };
    // Date has whole seconds: the server's time was somewhere in that
    // second, so compare with its middle.
    let date = date + std::time::Duration::from_millis(500);
    let (skew, behind) = match date.duration_since(clock.local) {
        Ok(d) => (d, true),
        Err(e) => (e.duration(), false),
    };
    let secs = skew.as_secs_f64().round() as u64;
    let direction = if behind { "behind" } else { "ahead of" };
    let consequence = format!(
        "pushes are refused beyond push_max_skew_s ({} s) and 1.0 results are aged by this clock (max_result_age_s {} s)",
        cfg.push_max_skew_s, cfg.max_result_age_s
    );
    if secs <= CLOCK_OK_S {
        report.add(
            "clock",
            Status::Ok,
            format!("{secs} s from the server's Date header (at most {CLOCK_OK_S} s is fine)"),
        );
    } else if secs <= CLOCK_FAIL_S {
        report.add(
            "clock",
            Status::Warn,
            format!("{secs} s {direction} the server's Date header: check NTP; {consequence}"),
        );
    } else {
        report.add(
            "clock",
            Status::Fail,
            format!(
                "{secs} s {direction} the server's Date header: fix the clock (NTP); {consequence}"
            ),
        );
    }
}

fn check_token(client: &Client, cfg: &Config, report: &mut Report) {
    if cfg.access_token.is_some() {
        report.add(
            "token",
            Status::Skip,
            "access_token is fixed in the configuration: not fetched (wxface never refreshes it)",
        );
        return;
    }
    let endpoint = match cfg.token_endpoint {
        TokenEndpoint::Stable => "stable_token",
        TokenEndpoint::Legacy => "cgi-bin/token",
    };
    let started = Instant::now();
    match client.token() {
        Ok(token) => report.add(
            "token",
            Status::Ok,
            format!(
                "{endpoint}: a token of {} characters in {} ms",
                token.len(),
                started.elapsed().as_millis()
            ),
        ),
        Err(e) => {
            let why = match e.wechat_errcode {
                40164 => "WeChat refuses this machine's IP address (40164): add the address WeChat sees \
                          (the NAT's or the proxy's public address) to the mini program's IP whitelist \
                          in the WeChat console's development settings"
                    .to_owned(),
                40125 => "WeChat says the secret is wrong (40125): copy the AppSecret from the WeChat console \
                          into secret= (after a reset, only the new one works)"
                    .to_owned(),
                40013 => "WeChat does not know this appid (40013): check appid= (the mini program's AppID, wx and 16 characters)"
                    .to_owned(),
                45009 | 45011 => format!(
                    "WeChat's rate limit ({}): too many token fetches; is another service fetching tokens in a loop?",
                    e.wechat_errcode
                ),
                -1 => "WeChat is busy (-1): try again in a minute".to_owned(),
                0 => format!("{} ({}): {}", e.code.name(), e.code as i32, e.message),
                other => format!("WeChat refused with errcode {other}: {}", e.message),
            };
            let code = if e.code == Code::AccessToken || e.wechat_errcode == 0 {
                String::new()
            } else {
                format!(" [{}]", e.code.name())
            };
            report.add("token", Status::Fail, format!("{endpoint}: {why}{code}"));
        }
    }
}

fn check_push(client: &Client, cfg: &Config, report: &mut Report) {
    let Some(token) = &cfg.push_token else {
        report.add(
            "push",
            Status::Skip,
            "message push not configured (no push_token)",
        );
        return;
    };
    let mode = if cfg.push_aes_key.is_some() {
        Mode::Safe
    } else {
        Mode::Plain
    };
    // A face_identify event with no real data in it.
    let now = unix_now();
    let message = format!(
        r#"{{"ToUserName":"gh_doctor","FromUserName":"o_doctor_selftest","CreateTime":{now},"MsgType":"event","Event":"face_identify","openid":"o_doctor_selftest","out_seq_no":"doctor-selftest","verify_result":"doctor-selftest"}}"#
    );
    let round_trip = client
        .push_seal(Format::Json, mode, message.as_bytes(), now, "doctor")
        .and_then(|sealed| client.push_open(&sealed.query, &sealed.body));
    match (round_trip, mode) {
        (Err(e), _) => report.add(
            "push",
            Status::Fail,
            format!(
                "a test push does not open with these keys: {} ({}): {}",
                e.code.name(),
                e.code as i32,
                e.message
            ),
        ),
        (Ok(_), Mode::Plain) => report.add(
            "push",
            Status::Warn,
            "push_token set without push_aes_key: plain-mode pushes carry a signature that does not cover \
             the body; choose safe mode in the console and set push_aes_key",
        ),
        (Ok(_), _) if token.len() < 3 => report.add(
            "push",
            Status::Warn,
            "push_token is shorter than the 3 characters the WeChat console requires",
        ),
        (Ok(_), _) => report.add(
            "push",
            Status::Ok,
            "safe mode: push_token and push_aes_key well-formed; a test push sealed and opened with them",
        ),
    }
}
