//! `--prometheus`: the run's counters in the Prometheus text format, for a
//! scheduled doctor (node_exporter's textfile collector) or a support run.

mod common;

use common::*;
use serde_json::json;

/// The samples of a Prometheus text, each family declared before use.
fn samples(text: &str) -> Vec<(String, f64)> {
    let mut typed = std::collections::HashSet::new();
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            typed.insert(rest.split(' ').next().unwrap().to_owned());
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect(line);
        let name = series.split('{').next().unwrap();
        let family = ["_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s).filter(|f| typed.contains(*f)))
            .unwrap_or(name);
        assert!(typed.contains(family), "no TYPE before {line}");
        out.push((series.to_owned(), value.parse().expect(line)));
    }
    out
}

/// `wxface doctor -q` on `conf`, its metrics written to the textfile `prom`.
fn quiet_doctor(conf: &std::path::Path, prom: &std::path::Path) -> Run {
    wxface(
        &[
            "doctor",
            "-q",
            "-c",
            conf.to_str().unwrap(),
            "--prometheus",
            prom.to_str().unwrap(),
        ],
        "",
    )
}

fn value(samples: &[(String, f64)], series: &str) -> Option<f64> {
    samples.iter().find(|(s, _)| s == series).map(|(_, v)| *v)
}

#[test]
fn doctor_writes_its_verdict_and_the_token_fetch_counters_to_a_textfile() {
    let dir = temp_dir("prom-doctor");
    let sandbox = Sandbox::start();
    let conf = sandbox.config(&dir, "");
    let prom = dir.join("wxface.prom");
    let run = quiet_doctor(&conf, &prom);
    assert_eq!(run.status, 0, "{}", run.all());
    let text = std::fs::read_to_string(&prom).unwrap();
    let s = samples(&text);
    assert_eq!(value(&s, "wxface_doctor_status"), Some(0.0), "{text}");
    assert_eq!(
        value(&s, "wxface_doctor_step_status{step=\"token\"}"),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        value(
            &s,
            "wxface_calls_total{call=\"token_fetch\",code=\"WXFACE_OK\"}"
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(&s, "wxface_requests_total{endpoint=\"stable_token\"}"),
        Some(1.0)
    );
    assert!(value(&s, "wxface_doctor_last_run_timestamp_seconds").unwrap() > 1.7e9);
    run.assert_pii_free(&[]);
    assert!(!text.contains(SECRET));
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "a temporary file was left behind");
}

#[test]
fn a_failing_doctor_step_shows_in_the_textfile_with_the_refused_token_fetch() {
    let dir = temp_dir("prom-doctor-fail");
    let sandbox = Sandbox::start();
    let conf = write_config(
        &dir,
        &format!(
            "appid={APPID}\nsecret=a-wrong-secret-0123456789abcdef\napi_base={}\n",
            sandbox.base
        ),
    );
    let prom = dir.join("wxface.prom");
    let run = quiet_doctor(&conf, &prom);
    assert_eq!(run.status, 2, "{}", run.all());
    let s = samples(&std::fs::read_to_string(&prom).unwrap());
    assert_eq!(value(&s, "wxface_doctor_status"), Some(2.0));
    assert_eq!(
        value(&s, "wxface_doctor_step_status{step=\"token\"}"),
        Some(2.0)
    );
    assert_eq!(
        value(
            &s,
            "wxface_calls_total{call=\"token_fetch\",code=\"WXFACE_ERR_ACCESS_TOKEN\"}"
        ),
        Some(1.0)
    );
    assert_eq!(value(&s, "wxface_token_fetch_failures_total"), Some(1.0));
}

#[test]
fn verify_prints_the_counters_after_the_verdict() {
    let dir = temp_dir("prom-verify");
    let sandbox = Sandbox::start();
    let conf = sandbox.config(&dir, "");
    let mut cfg = wxface::Config::new();
    cfg.load_file(&conf).unwrap();
    let client = wxface::Client::new(&cfg).unwrap();
    let key = client
        .v1_get_user_id_key(NAME, ID, None)
        .unwrap()
        .text("user_id_key")
        .unwrap();
    let done = sandbox.control(
        "POST",
        "/sandbox/v1/complete",
        &json!({"user_id_key": key}).to_string(),
    );
    let verify_result = done["verify_result"].as_str().unwrap();
    let run = wxface(
        &[
            "verify",
            "-c",
            conf.to_str().unwrap(),
            "--verify-result",
            verify_result,
            "--prometheus",
            "-",
        ],
        &format!("{NAME}\n{ID}\n"),
    );
    assert_eq!(run.status, 0, "{}", run.all());
    let (verdict, text) = run.stdout.split_once('\n').unwrap();
    assert_eq!(verdict, "VERIFIED WXFACE_OK (0)");
    let s = samples(text);
    assert_eq!(
        value(
            &s,
            "wxface_calls_total{call=\"v1_verify\",code=\"WXFACE_OK\"}"
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(&s, "wxface_requests_total{endpoint=\"getinfo\"}"),
        Some(1.0)
    );
    assert_eq!(
        value(&s, "wxface_call_duration_seconds_count{call=\"v1_verify\"}"),
        Some(1.0)
    );
    run.assert_pii_free(&[verify_result]);
}

#[test]
fn an_unwritable_textfile_fails_the_run() {
    let dir = temp_dir("prom-unwritable");
    let sandbox = Sandbox::start();
    let conf = sandbox.config(&dir, "");
    let prom = dir.join("no-such-dir").join("wxface.prom");
    let run = quiet_doctor(&conf, &prom);
    assert_eq!(run.status, 2, "{}", run.all());
    assert!(run.stderr.contains("--prometheus"), "{}", run.stderr);
}
