//! Support-case commands: open a captured push, ask for a 1.0 or 2.0
//! verdict. They print the verdict and its code, never the data behind it.

use std::io::Read;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use wxface::push::{self, PushConfig};
use wxface::{errcode, Client, Code, Config, Error, Expected, Value};

use crate::offline::{refused, stdin_lines};
use crate::{Options, Usage};

pub fn load_config(path: &Path) -> wxface::Result<Config> {
    let mut cfg = Config::new();
    cfg.load_file(path)?;
    Ok(cfg)
}

/// `wxface push open`: what `wxface_push_open` says about a captured push
/// (the raw query string after `?`, and the body), optionally judged as of
/// `--now` so that an old capture can be checked beyond its timestamp.
pub fn push_open(config: &Path, opts: &Options) -> Result<u8, Usage> {
    let query = opts.require("query")?;
    let query = query.strip_prefix('?').unwrap_or(query);
    let body = read_body(opts.get("body"))?;
    let now = match opts.get("now") {
        None => unix_now(),
        Some(v) => v
            .parse::<i64>()
            .map_err(|_| Usage("--now takes Unix seconds".into()))?,
    };
    let push_config = load_config(config).and_then(|cfg| {
        let token = cfg.push_token.as_deref().ok_or_else(|| {
            Error::new(
                Code::Config,
                "push_token is not set: copy the Token from the mini program's message-push settings",
            )
        })?;
        PushConfig::new(
            token,
            cfg.push_aes_key.as_deref().map(String::as_str),
            cfg.appid.as_deref().unwrap_or_default(),
            cfg.push_max_skew_s,
        )
    });
    let push_config = match push_config {
        Ok(p) => p,
        Err(e) => return Ok(refused("error", &e)),
    };
    match push::open(&push_config, query, &body, now) {
        Ok(event) => {
            let fields: Vec<String> = event
                .fields()
                .map(|(name, value)| format!("{name}={}", shown(name, value)))
                .collect();
            println!("opened {}", fields.join(" "));
            Ok(0)
        }
        Err(e) => Ok(refused("refused", &e)),
    }
}

/// A push's field as the tool may print it: protocol words as they are,
/// identifiers by head and tail, everything else by its length.
fn shown(name: &str, value: &Value) -> String {
    let text = match value {
        Value::Text(t) => t.as_str(),
        Value::Int(n) => return n.to_string(),
        other => return format!("<{}>", kind_of(other)),
    };
    match name {
        "Event" | "MsgType" | "ToUserName" | "CreateTime" => text.to_owned(),
        "openid" | "FromUserName" | "out_seq_no" => wxface::mask::opaque(text),
        _ => wxface::mask::secret(text),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Bytes(_) => "bytes",
        _ => "value",
    }
}

/// `wxface verify`: the 1.0 verdict for a verify_result, the expected name
/// and number read from standard input.
pub fn verify(config: &Path, opts: &Options) -> Result<u8, Usage> {
    let verify_result = opts.require("verify-result")?;
    let person = stdin_lines(2)?;
    let client = match load_config(config).and_then(|cfg| Client::new(&cfg)) {
        Ok(c) => c,
        Err(e) => return Ok(refused("error", &e)),
    };
    let expected = Expected {
        name: &person[0],
        id_card_number: &person[1],
        user_id_key: opts.get("user-id-key"),
        openid: opts.get("openid"),
    };
    let status = verdict(client.v1_verify(verify_result, &expected).map(drop));
    Ok(with_counters(opts, &client, status))
}

/// `wxface query`: the 2.0 verdict (queryverifyinfo).
pub fn query(config: &Path, opts: &Options) -> Result<u8, Usage> {
    let verify_id = opts.require("verify-id")?;
    let out_seq_no = opts.require("out-seq-no")?;
    let openid = opts.require("openid")?;
    let cert_hash = opts.require("cert-hash")?;
    let client = match load_config(config).and_then(|cfg| Client::new(&cfg)) {
        Ok(c) => c,
        Err(e) => return Ok(refused("error", &e)),
    };
    let status = verdict(
        client
            .v2_query(verify_id, out_seq_no, openid, cert_hash)
            .map(drop),
    );
    Ok(with_counters(opts, &client, status))
}

/// `--prometheus PATH`: the run's counters after the verdict line; a file
/// that cannot be written turns the exit status into 2.
fn with_counters(opts: &Options, client: &Client, status: u8) -> u8 {
    let Some(path) = opts.get("prometheus") else {
        return status;
    };
    match crate::metrics::write(Path::new(path), Some(client), "") {
        Ok(()) => status,
        Err(e) => {
            eprintln!("wxface: {e}");
            2
        }
    }
}

/// `VERIFIED` or `REJECTED CODE (n)` with WeChat's numbers and the code's
/// fixed description: no message, which may describe the person.
fn verdict(result: wxface::Result<()>) -> u8 {
    match result {
        Ok(()) => {
            println!("VERIFIED {} (0)", Code::Ok.name());
            0
        }
        Err(e) => {
            let mut line = format!("REJECTED {} ({})", e.code.name(), e.code as i32);
            if e.wechat_errcode != 0 {
                line.push_str(&format!(
                    ", errcode {} ({})",
                    e.wechat_errcode,
                    errcode::errcode_meaning(i64::from(e.wechat_errcode))
                ));
            }
            if e.verify_ret != 0 {
                line.push_str(&format!(
                    ", verify_ret {} ({})",
                    e.verify_ret,
                    errcode::verify_ret_meaning(i64::from(e.verify_ret))
                ));
            }
            println!("{line}: {}", e.code.describe());
            2
        }
    }
}

fn read_body(source: Option<&str>) -> Result<Vec<u8>, Usage> {
    // One byte over the library's limit, so that it can say "too large".
    let limit = (push::MAX_BODY + 1) as u64;
    let mut body = Vec::new();
    let read = match source {
        None | Some("-") => std::io::stdin().lock().take(limit).read_to_end(&mut body),
        Some(path) => std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut body)),
    };
    read.map_err(|e| Usage(format!("cannot read the body: {}", e.kind())))?;
    Ok(body)
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
