//! Support-case commands against the sandbox: `verify`, `query` and
//! `push open` print a verdict and its code, never the data behind it.

mod common;

use common::*;
use serde_json::json;
use wxface::push::{Format, Mode};
use wxface::{Client, Config};

fn client(conf: &std::path::Path) -> Client {
    let mut cfg = Config::new();
    cfg.load_file(conf).unwrap();
    Client::new(&cfg).unwrap()
}

#[test]
fn verify_prints_verified_or_the_rejection_code_only() {
    let dir = temp_dir("verify");
    let sandbox = Sandbox::start();
    let conf = sandbox.config(&dir, "");
    let key = client(&conf).v1_get_user_id_key(NAME, ID, None).unwrap();
    let key = key.text("user_id_key").unwrap();
    let done = sandbox.control(
        "POST",
        "/sandbox/v1/complete",
        &json!({"user_id_key": key}).to_string(),
    );
    let verify_result = done["verify_result"].as_str().unwrap();

    let args = [
        "verify",
        "-c",
        conf.to_str().unwrap(),
        "--verify-result",
        verify_result,
        "--user-id-key",
        &key,
    ];
    let run = wxface(&args, &format!("{NAME}\n{ID}\n"));
    assert_eq!(run.status, 0, "{}", run.all());
    assert_eq!(run.stdout.trim(), "VERIFIED WXFACE_OK (0)");

    let run = wxface(&args, &format!("李四\n{ID}\n"));
    assert_eq!(run.status, 2, "{}", run.all());
    assert!(
        run.stdout
            .starts_with("REJECTED WXFACE_ERR_NAME_MISMATCH (32)"),
        "{}",
        run.stdout
    );
    run.assert_pii_free(&[verify_result, "李四"]);
}

#[test]
fn query_prints_the_verify_ret_of_a_failed_2_0_verification() {
    let dir = temp_dir("query");
    let sandbox = Sandbox::start();
    let conf = sandbox.config(&dir, "");
    let openid = "oSandboxUser00000000000000001";
    let r = client(&conf)
        .v2_get_verify_id("order-cli-1", openid, NAME, ID)
        .unwrap();
    let (verify_id, cert_hash) = (r.text("verify_id").unwrap(), r.text("cert_hash").unwrap());
    let args = [
        "query",
        "-c",
        conf.to_str().unwrap(),
        "--verify-id",
        &verify_id,
        "--out-seq-no",
        "order-cli-1",
        "--openid",
        openid,
        "--cert-hash",
        &cert_hash,
    ];

    sandbox.control(
        "POST",
        "/sandbox/v2/complete",
        &json!({"verify_id": verify_id, "verify_ret": 90004}).to_string(),
    );
    let run = wxface(&args, "");
    assert_eq!(run.status, 2, "{}", run.all());
    assert!(
        run.stdout
            .starts_with("REJECTED WXFACE_ERR_NOT_PASSED (30), verify_ret 90004"),
        "{}",
        run.stdout
    );

    sandbox.control(
        "POST",
        "/sandbox/v2/complete",
        &json!({"verify_id": verify_id}).to_string(),
    );
    let run = wxface(&args, "");
    assert_eq!(run.status, 0, "{}", run.all());
    assert_eq!(run.stdout.trim(), "VERIFIED WXFACE_OK (0)");
    run.assert_pii_free(&[&verify_id, &cert_hash]);
}

#[test]
fn push_open_shows_the_event_without_its_secrets_and_names_a_forgery() {
    let dir = temp_dir("push");
    let sandbox = Sandbox::start();
    let conf = sandbox.config(
        &dir,
        &format!("push_token={PUSH_TOKEN}\npush_aes_key={PUSH_AES_KEY}\n"),
    );
    let verify_result = "vr-0123456789abcdefghijklmnopqrstuvwxyz";
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let event = json!({
        "ToUserName": "gh_sandbox0001", "FromUserName": "oSandboxUser00000000000000001", "CreateTime": now,
        "MsgType": "event", "Event": "face_identify", "openid": "oSandboxUser00000000000000001",
        "out_seq_no": "his-20261201-0042", "verify_result": verify_result,
    });
    let sealed = client(&conf)
        .push_seal(
            Format::Json,
            Mode::Safe,
            event.to_string().as_bytes(),
            now,
            "nonce42",
        )
        .unwrap();
    let body = dir.join("push-body.json");
    std::fs::write(&body, &sealed.body).unwrap();

    let run = wxface(
        &[
            "push",
            "open",
            "-c",
            conf.to_str().unwrap(),
            "--query",
            &sealed.query,
            "--body",
            body.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(run.status, 0, "{}", run.all());
    assert!(run.stdout.starts_with("opened "), "{}", run.stdout);
    assert!(
        run.stdout.contains("Event=face_identify") && run.stdout.contains("out_seq_no=his-…42"),
        "{}",
        run.stdout
    );
    run.assert_pii_free(&[verify_result, "oSandboxUser00000000000000001"]);

    // The same body from stdin, judged an hour later: stale.
    let later = (now + 3600).to_string();
    let body_text = String::from_utf8(sealed.body.clone()).unwrap();
    let run = wxface(
        &[
            "push",
            "open",
            "-c",
            conf.to_str().unwrap(),
            "--query",
            &sealed.query,
            "--now",
            &later,
        ],
        &body_text,
    );
    assert_eq!(run.status, 2, "{}", run.all());
    assert!(
        run.stdout.starts_with("refused WXFACE_ERR_PUSH_STALE (44)"),
        "{}",
        run.stdout
    );

    let forged = sealed.query.replace("msg_signature=", "msg_signature=0");
    let run = wxface(
        &[
            "push",
            "open",
            "-c",
            conf.to_str().unwrap(),
            "--query",
            &forged,
            "--body",
            body.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(run.status, 2, "{}", run.all());
    assert!(
        run.stdout
            .starts_with("refused WXFACE_ERR_PUSH_SIGNATURE (40)"),
        "{}",
        run.stdout
    );
}
