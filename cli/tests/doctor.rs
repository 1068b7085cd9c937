//! `wxface doctor` against the sandbox, real tinyproxy and microsocks and a
//! private CA: a healthy setup is OK, and each injected fault is named at
//! its step with the exit status a monitoring script reads.

mod common;

use common::*;

#[test]
fn a_healthy_setup_is_ok_with_exit_status_0() {
    let dir = temp_dir("healthy");
    let sandbox = Sandbox::start();
    let conf = sandbox.config(
        &dir,
        &format!("push_token={PUSH_TOKEN}\npush_aes_key={PUSH_AES_KEY}\n"),
    );
    let run = wxface(&["doctor", "-c", conf.to_str().unwrap()], "");
    assert_eq!(run.status, 0, "{}", run.all());
    for step in ["config", "dns", "clock", "token", "push"] {
        assert!(run.step(step).starts_with("[ ok ]"), "{}", run.stdout);
    }
    assert!(
        run.summary().starts_with("wxface doctor: OK"),
        "{}",
        run.stdout
    );
    run.assert_pii_free(&[]);
}

#[test]
fn quiet_prints_the_summary_line_only() {
    let dir = temp_dir("quiet");
    let sandbox = Sandbox::start();
    let conf = sandbox.config(&dir, "");
    let run = wxface(&["doctor", "-q", "-c", conf.to_str().unwrap()], "");
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(
        run.stdout.starts_with("wxface doctor: OK"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_invalid_configuration_names_the_line_and_skips_the_rest() {
    let dir = temp_dir("badconf");
    let conf = write_config(
        &dir,
        &format!("appid={APPID}\nsecret={SECRET}\ntimeout_ms=soon\n"),
    );
    let run = wxface(&["doctor", "-c", conf.to_str().unwrap()], "");
    assert_eq!(run.status, 2, "{}", run.all());
    let line = run.step("config");
    assert!(
        line.starts_with("[FAIL]") && line.contains("line 3") && line.contains("timeout_ms"),
        "{line}"
    );
    assert!(run.step("token").starts_with("[skip]"), "{}", run.stdout);
    assert!(
        run.summary()
            .starts_with("wxface doctor: CRITICAL - failed: config"),
        "{}",
        run.stdout
    );
    run.assert_pii_free(&[]);
}

#[test]
fn a_world_readable_file_holding_the_secret_is_a_warning() {
    let dir = temp_dir("mode");
    let sandbox = Sandbox::start();
    let conf = sandbox.config(&dir, "");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let run = wxface(&["doctor", "-c", conf.to_str().unwrap()], "");
    assert_eq!(run.status, 1, "{}", run.all());
    assert!(
        run.stdout.contains("[WARN] config") && run.stdout.contains("chmod 600"),
        "{}",
        run.stdout
    );
    assert!(
        run.summary().starts_with("wxface doctor: WARNING - config"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_wrong_secret_is_named_with_wechats_40125() {
    let dir = temp_dir("secret");
    let sandbox = Sandbox::start();
    let conf = write_config(
        &dir,
        &format!(
            "appid={APPID}\nsecret=not-the-right-secret\napi_base={}\n",
            sandbox.base
        ),
    );
    let run = wxface(&["doctor", "-c", conf.to_str().unwrap()], "");
    assert_eq!(run.status, 2, "{}", run.all());
    let line = run.step("token");
    assert!(
        line.starts_with("[FAIL]") && line.contains("secret is wrong (40125)"),
        "{line}"
    );
    assert!(run.summary().contains("failed: token"), "{}", run.stdout);
    run.assert_pii_free(&["not-the-right-secret"]);
}

#[test]
fn a_wrong_appid_is_named_with_wechats_40013() {
    let dir = temp_dir("appid");
    let sandbox = Sandbox::start();
    let conf = write_config(
        &dir,
        &format!(
            "appid=wx0000000000000000\nsecret={SECRET}\napi_base={}\n",
            sandbox.base
        ),
    );
    let run = wxface(&["doctor", "-c", conf.to_str().unwrap()], "");
    assert_eq!(run.status, 2, "{}", run.all());
    assert!(
        run.step("token")
            .contains("does not know this appid (40013)"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_ip_outside_the_whitelist_is_named_with_wechats_40164() {
    let dir = temp_dir("whitelist");
    let sandbox = Sandbox::start();
    sandbox.control("POST", "/sandbox/whitelist", r#"{"ips":["127.0.0.2"]}"#);
    let conf = sandbox.config(&dir, "");
    let run = wxface(&["doctor", "-c", conf.to_str().unwrap()], "");
    assert_eq!(run.status, 2, "{}", run.all());
    let line = run.step("token");
    assert!(
        line.starts_with("[FAIL]")
            && line.contains("IP address (40164)")
            && line.contains("whitelist"),
        "{line}"
    );

    sandbox.control("DELETE", "/sandbox/whitelist", "");
    let run = wxface(&["doctor", "-c", conf.to_str().unwrap()], "");
    assert_eq!(run.status, 0, "whitelist off again: {}", run.all());
}

#[test]
fn a_skewed_clock_is_named_with_its_size_and_direction() {
    let dir = temp_dir("clock");
    let sandbox = Sandbox::start();
    let conf = sandbox.config(&dir, "");

    sandbox.control("POST", "/sandbox/clock", r#"{"skew_s":60}"#);
    let run = wxface(&["doctor", "-c", conf.to_str().unwrap()], "");
    assert_eq!(run.status, 1, "a minute is a warning: {}", run.all());
    let line = run.step("clock");
    assert!(
        line.starts_with("[WARN]") && line.contains("behind the server"),
        "{line}"
    );

    sandbox.control("POST", "/sandbox/clock", r#"{"skew_s":-3600}"#);
    let run = wxface(&["doctor", "-c", conf.to_str().unwrap()], "");
    assert_eq!(run.status, 2, "an hour is critical: {}", run.all());
    let line = run.step("clock");
    assert!(
        line.starts_with("[FAIL]") && line.contains(" s ahead of the server"),
        "{line}"
    );
    let secs: u64 = line[14..].split(' ').next().unwrap().parse().unwrap();
    assert!((3599..=3601).contains(&secs), "{line}");
    assert!(run.summary().contains("failed: clock"), "{}", run.stdout);
}

#[test]
fn a_wrong_proxy_password_is_named_at_the_proxy_step() {
    let dir = temp_dir("proxy");
    let sandbox = Sandbox::start();
    let proxy = Tinyproxy::start(&dir, Some(("his", "Right-Pw-1")));

    let good = sandbox.config(
        &dir,
        &format!("proxy=http://his:Right-Pw-1@127.0.0.1:{}\n", proxy.port),
    );
    let run = wxface(&["doctor", "-c", good.to_str().unwrap()], "");
    assert_eq!(run.status, 0, "{}", run.all());
    let line = run.step("proxy");
    assert!(
        line.starts_with("[ ok ]") && line.contains("with the configured credentials"),
        "{line}"
    );
    run.assert_pii_free(&["Right-Pw-1"]);

    let bad = sandbox.config(
        &dir,
        &format!("proxy=http://his:Wrong-Pw-2@127.0.0.1:{}\n", proxy.port),
    );
    let run = wxface(&["doctor", "-c", bad.to_str().unwrap()], "");
    assert_eq!(run.status, 2, "{}", run.all());
    let line = run.step("proxy");
    assert!(
        line.starts_with("[FAIL]") && line.contains("rejected the credentials (HTTP 40"),
        "{line}"
    );
    assert!(line.contains("http://his:***@127.0.0.1"), "{line}");
    assert!(run.step("token").starts_with("[skip]"), "{}", run.stdout);
    run.assert_pii_free(&["Wrong-Pw-2"]);
}

#[test]
fn a_proxy_that_is_down_is_named_at_the_proxy_step() {
    let dir = temp_dir("proxy-down");
    let sandbox = Sandbox::start();
    let conf = sandbox.config(&dir, &format!("proxy=http://127.0.0.1:{}\n", free_port()));
    let run = wxface(&["doctor", "-c", conf.to_str().unwrap()], "");
    assert_eq!(run.status, 2, "{}", run.all());
    assert!(
        run.step("proxy").contains("is not reachable"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_untrusted_certificate_names_its_issuer_and_ca_file_fixes_it() {
    let dir = temp_dir("tls");
    let Pki { ca, cert, key } = Pki::make(&dir, "Example Gateway Inspection CA");
    let sandbox = Sandbox::start_with(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    assert!(sandbox.base.starts_with("https://"), "{}", sandbox.base);

    let untrusted = sandbox.config(&dir, "");
    let run = wxface(&["doctor", "-c", untrusted.to_str().unwrap()], "");
    assert_eq!(run.status, 2, "{}", run.all());
    let line = run.step("tls");
    assert!(line.starts_with("[FAIL]"), "{line}");
    assert!(
        line.contains("CN=Example Gateway Inspection CA"),
        "the issuer is named: {line}"
    );
    assert!(
        line.contains("the built-in roots") && line.contains("ca_file"),
        "{line}"
    );

    let trusted = sandbox.config(&dir, &format!("ca_file={}\n", ca.display()));
    let run = wxface(&["doctor", "-c", trusted.to_str().unwrap()], "");
    let line = run.step("tls");
    assert!(
        line.starts_with("[ ok ]") && line.contains("Example Gateway Inspection CA"),
        "{line}"
    );
    assert!(run.step("token").starts_with("[ ok ]"), "{}", run.stdout);
    assert!(run.step("clock").starts_with("[ ok ]"), "{}", run.stdout);
    assert_eq!(run.status, 0, "{}", run.all());
}

#[test]
fn https_through_the_proxy_is_checked_end_to_end() {
    let dir = temp_dir("tls-proxy");
    let Pki { ca, cert, key } = Pki::make(&dir, "wxface doctor test CA");
    let sandbox = Sandbox::start_with(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    let proxy = Tinyproxy::start(&dir, None);
    let conf = sandbox.config(
        &dir,
        &format!(
            "ca_file={}\nproxy=http://127.0.0.1:{}\n",
            ca.display(),
            proxy.port
        ),
    );
    let run = wxface(&["doctor", "-c", conf.to_str().unwrap()], "");
    assert_eq!(run.status, 0, "{}", run.all());
    assert!(
        run.step("proxy").contains("without credentials"),
        "{}",
        run.stdout
    );
    assert!(run.step("tls").starts_with("[ ok ]"), "{}", run.stdout);
}

#[test]
fn plain_mode_push_settings_are_a_warning() {
    let dir = temp_dir("plainpush");
    let sandbox = Sandbox::start();
    let conf = sandbox.config(&dir, &format!("push_token={PUSH_TOKEN}\n"));
    let run = wxface(&["doctor", "-c", conf.to_str().unwrap()], "");
    assert_eq!(run.status, 1, "{}", run.all());
    assert!(
        run.step("push").contains("without push_aes_key"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_wrong_socks5_password_is_named_at_the_token_step() {
    let dir = temp_dir("socks");
    let sandbox = Sandbox::start();
    let proxy = Microsocks::start(Some(("his", "Right-Pw-1")));

    let good = sandbox.config(
        &dir,
        &format!("proxy=socks5://his:Right-Pw-1@127.0.0.1:{}\n", proxy.port),
    );
    let run = wxface(&["doctor", "-c", good.to_str().unwrap()], "");
    assert_eq!(run.status, 0, "{}", run.all());
    run.assert_pii_free(&["Right-Pw-1"]);

    let bad = sandbox.config(
        &dir,
        &format!("proxy=socks5://his:Wrong-Pw-2@127.0.0.1:{}\n", proxy.port),
    );
    let run = wxface(&["doctor", "-c", bad.to_str().unwrap()], "");
    assert_eq!(run.status, 2, "{}", run.all());
    assert!(run.step("proxy").starts_with("[ ok ]"), "{}", run.stdout);
    let line = run.step("token");
    assert!(
        line.starts_with("[FAIL]") && line.contains("refused the user name or password"),
        "{line}"
    );
    run.assert_pii_free(&["Wrong-Pw-2"]);
}
