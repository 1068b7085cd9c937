//! Offline helpers: what WeChat will be sent and compare, computed by the
//! library itself. ID numbers are only ever printed masked; digests are
//! printed because comparing them with WeChat's answer is their purpose.

use std::io::BufRead;

use wxface::{digest, id_card, mask, out_seq_no, v2, Error};

use crate::Usage;

/// `wxface id [NUMBER|-]`: valid or not, and the canonical form, masked.
pub fn id(args: &[String]) -> Result<u8, Usage> {
    let raw = one_value(args.first())?;
    match id_card::normalize(&raw) {
        Ok(canonical) => {
            let note = if canonical == raw.trim() {
                "already canonical"
            } else {
                "normalised: WeChat is sent the canonical form"
            };
            println!("valid {} ({note})", mask::id_card(&canonical));
            Ok(0)
        }
        Err(e) => Ok(refused("invalid", &e)),
    }
}

/// `wxface md5 name [NAME|-]`: 1.0's `name_utf8_md5`.
pub fn md5_name(args: &[String]) -> Result<u8, Usage> {
    let name = one_value(args.first())?;
    match digest::name_md5(name.trim()) {
        Ok(md5) => {
            println!("{md5}");
            Ok(0)
        }
        Err(e) => Ok(refused("invalid", &e)),
    }
}

/// `wxface md5 id [NUMBER|-]`: 1.0's `id_card_number_md5`.
pub fn md5_id(args: &[String]) -> Result<u8, Usage> {
    let raw = one_value(args.first())?;
    match digest::id_card_md5(&raw) {
        Ok(md5) => {
            println!("{md5}");
            Ok(0)
        }
        Err(e) => Ok(refused("invalid", &e)),
    }
}

/// `wxface cert-hash [-]`: 2.0's cert_hash of the name and number read
/// from standard input, one per line, as `wxface_v2_get_verify_id` makes it.
pub fn cert_hash(args: &[String]) -> Result<u8, Usage> {
    if args.iter().any(|a| a != "-") {
        return Err(Usage(
            "cert-hash reads the name and the number from standard input, one per line".into(),
        ));
    }
    let lines = stdin_lines(2)?;
    let hash = id_card::normalize(&lines[1])
        .and_then(|id| digest::cert_hash(v2::CERT_TYPE, lines[0].trim(), &id));
    match hash {
        Ok(hash) => {
            println!("{hash}");
            Ok(0)
        }
        Err(e) => Ok(refused("invalid", &e)),
    }
}

/// `wxface out-seq-no`: a fresh one; `wxface out-seq-no check [VALUE|-]`:
/// WeChat's format rule (84011), checked locally.
pub fn out_seq_no(args: &[String]) -> Result<u8, Usage> {
    match args.first().map(String::as_str) {
        None => {
            println!("{}", out_seq_no::new());
            Ok(0)
        }
        Some("check") => {
            let value = one_value(args.get(1))?;
            match out_seq_no::check(value.trim_end()) {
                Ok(()) => {
                    println!("valid ({} characters)", value.trim_end().len());
                    Ok(0)
                }
                Err(e) => Ok(refused("invalid", &e)),
            }
        }
        Some(other) => Err(Usage(format!(
            "out-seq-no takes nothing or `check`, not `{other}`"
        ))),
    }
}

/// Prints a refusal as `WORD CODE_NAME (n): message` (messages are
/// PII-free by the library's contract) and returns exit status 2.
pub fn refused(word: &str, e: &Error) -> u8 {
    println!(
        "{word} {} ({}): {}",
        e.code.name(),
        e.code as i32,
        e.message
    );
    2
}

/// The argument, or one line of standard input when it is `-` or absent.
pub fn one_value(given: Option<&String>) -> Result<String, Usage> {
    match given.map(String::as_str) {
        Some("-") | None => Ok(stdin_lines(1)?.remove(0)),
        Some(v) => Ok(v.to_owned()),
    }
}

/// Exactly `n` lines of standard input, without their line ends.
pub fn stdin_lines(n: usize) -> Result<Vec<String>, Usage> {
    let mut lines = Vec::with_capacity(n);
    let stdin = std::io::stdin();
    let mut handle = stdin.lock();
    for _ in 0..n {
        let mut line = String::new();
        match handle.read_line(&mut line) {
            Ok(0) | Err(_) => {
                return Err(Usage(format!(
                    "expected {n} line(s) of UTF-8 on standard input"
                )))
            }
            Ok(_) => lines.push(line.trim_end_matches(['\r', '\n']).to_owned()),
        }
    }
    Ok(lines)
}
