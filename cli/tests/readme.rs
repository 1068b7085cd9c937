//! The README's "Operating wxface" shows the doctor's real output for a
//! healthy and two broken setups. This test makes the same setups and
//! checks that each block still has the shape the doctor prints now: the
//! same steps with the same verdicts, and the same summary.
//!
//! `WXFACE_WRITE_README=1 cargo test -p wxface-cli --test readme` rewrites
//! the blocks from a fresh run (commit the result).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");

/// Runs the doctor in `dir` on `wxface.conf`, as an operator would type it.
fn doctor_in(dir: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wxface"))
        .args(["doctor", "-c", "wxface.conf"])
        .current_dir(dir)
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    format!(
        "$ wxface doctor -c wxface.conf\n{text}$ echo $?\n{}\n",
        out.status.code().unwrap_or(-1)
    )
}

fn write(dir: &Path, name: &str, text: &str, mode: u32) {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

/// The verdict of each step and the summary, without the details that
/// change from run to run (ports, milliseconds, skew).
fn shape(block: &str) -> Vec<String> {
    block
        .lines()
        .filter_map(|l| {
            if l.starts_with('[') {
                l.get(..14).map(str::to_owned)
            } else if l.starts_with("wxface doctor:") {
                Some(l.split(" (").next().unwrap_or(l).to_owned())
            } else if l.starts_with("$ ") || l.len() == 1 {
                Some(l.to_owned())
            } else {
                None
            }
        })
        .collect()
}

fn readme_block(readme: &str, name: &str) -> Option<(usize, usize)> {
    let marker = format!("<!-- doctor-output: {name} -->\n```text\n");
    let start = readme.find(&marker)? + marker.len();
    let end = start + readme[start..].find("```\n")?;
    Some((start, end))
}

#[test]
fn the_readmes_doctor_output_is_what_the_doctor_prints() {
    let root = temp_dir("readme");
    let mut captured = Vec::new();

    // Healthy: WeChat behind the hospital's proxy (with credentials), TLS
    // trusted through ca_file, safe-mode push keys.
    let dir = root.join("healthy");
    std::fs::create_dir_all(&dir).unwrap();
    let Pki { cert, key, .. } = Pki::make(&dir, "Example Hospital Root CA");
    let sandbox = Sandbox::start_with(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    let proxy = Tinyproxy::start(&dir, Some(("his", "Proxy-Pw-2026")));
    let conf = format!(
        "appid={APPID}\nsecret={SECRET}\napi_base={}\nproxy=http://his:Proxy-Pw-2026@127.0.0.1:{}\nca_file=ca.pem\n\
         push_token={PUSH_TOKEN}\npush_aes_key={PUSH_AES_KEY}\n",
        sandbox.base, proxy.port
    );
    write(&dir, "wxface.conf", &conf, 0o600);
    captured.push(("healthy", doctor_in(&dir)));

    // An HTTPS-inspecting gateway between the HIS and WeChat.
    let dir = root.join("gateway");
    std::fs::create_dir_all(&dir).unwrap();
    let Pki { cert, key, .. } = Pki::make(&dir, "Example Gateway Inspection CA");
    let gateway = Sandbox::start_with(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    let conf = format!(
        "appid={APPID}\nsecret={SECRET}\napi_base={}\n",
        gateway.base
    );
    write(&dir, "wxface.conf", &conf, 0o600);
    captured.push(("gateway", doctor_in(&dir)));

    // A new NAT address not in the whitelist, a drifting clock, and a
    // configuration file every user can read.
    let dir = root.join("whitelist");
    std::fs::create_dir_all(&dir).unwrap();
    let plain = Sandbox::start();
    plain.control("POST", "/sandbox/whitelist", r#"{"ips":["127.0.0.2"]}"#);
    plain.control("POST", "/sandbox/clock", r#"{"skew_s":-200}"#);
    let conf = format!("appid={APPID}\nsecret={SECRET}\napi_base={}\n", plain.base);
    write(&dir, "wxface.conf", &conf, 0o644);
    captured.push(("whitelist", doctor_in(&dir)));

    for (_, output) in &captured {
        for secret in [SECRET, "Proxy-Pw-2026", PUSH_AES_KEY, PUSH_TOKEN] {
            assert!(
                !output.contains(secret),
                "the doctor printed a secret:\n{output}"
            );
        }
    }

    let mut readme = std::fs::read_to_string(README).unwrap();
    if std::env::var_os("WXFACE_WRITE_README").is_some() {
        for (name, output) in &captured {
            let (start, end) =
                readme_block(&readme, name).unwrap_or_else(|| panic!("no {name} block"));
            readme.replace_range(start..end, output);
        }
        std::fs::write(README, &readme).unwrap();
        return;
    }
    for (name, output) in &captured {
        let (start, end) = readme_block(&readme, name)
            .unwrap_or_else(|| panic!("README.md has no `<!-- doctor-output: {name} -->` block"));
        assert_eq!(
            shape(&readme[start..end]),
            shape(output),
            "README's {name} doctor output is out of date; rerun with WXFACE_WRITE_README=1. Now:\n{output}"
        );
    }
}
