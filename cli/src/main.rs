//! `wxface`: the command-line tool shipped beside libwxface, for integrators
//! and for the support staff who keep a HIS running at night.
//!
//! Built on the library's safe Rust API, so it sees exactly what a client
//! sees. Nothing it prints holds a full name, ID number, secret, token,
//! EncodingAESKey or verify_result: values are masked or shown by length.

mod doctor;
mod metrics;
mod offline;
mod probe;
mod support;

use std::ffi::OsString;

use lexopt::ValueExt;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
wxface — WeChat face verification (微信人脸核身) tool, PII-free output

usage:
  wxface doctor [-c FILE] [-q] [--prometheus PATH|-]
                                      check configuration, DNS, proxy, TLS, clock, token, push keys
  wxface id [NUMBER|-]                check and normalise a resident ID number (shown masked)
  wxface md5 name [NAME|-]            1.0 name_utf8_md5
  wxface md5 id [NUMBER|-]            1.0 id_card_number_md5 (of the normalised number)
  wxface cert-hash [-]                2.0 cert_hash; reads the name and the number, one per line
  wxface out-seq-no                   a fresh 2.0 out_seq_no (UUIDv7, 32 hex digits)
  wxface out-seq-no check [VALUE|-]   WeChat's out_seq_no format rule
  wxface push open [-c FILE] --query QUERY [--body FILE|-] [--now UNIX_SECONDS]
                                      open a captured push as the library would
  wxface verify [-c FILE] --verify-result V [--user-id-key K] [--openid O] [--prometheus PATH|-]
                                      1.0 verdict; reads the expected name and number, one per line
  wxface query [-c FILE] --verify-id V --out-seq-no O --openid O --cert-hash H [--prometheus PATH|-]
                                      2.0 verdict
  wxface version

Values shown as NAME, NUMBER or `-` are read from standard input when `-` or
absent, so they stay out of shell history and the process list.
-c FILE is the library's key=value configuration file (default: $WXFACE_CONFIG).
--prometheus PATH writes the run's counters (calls by code, requests, retries,
token fetches, latency; the doctor's verdict per step) in the Prometheus text
format, replacing PATH at once (node_exporter's textfile collector); `-` prints them.

exit status: 0 ok or verified; 2 failed or rejected (the code is printed);
doctor: 0 OK, 1 WARNING, 2 CRITICAL (as monitoring plugins do);
64 usage error.";

/// A usage error: the message, then the exit status 64.
pub struct Usage(pub String);

impl From<lexopt::Error> for Usage {
    fn from(e: lexopt::Error) -> Usage {
        Usage(e.to_string())
    }
}

fn main() -> ExitCode {
    match run(std::env::args_os().skip(1).collect()) {
        Ok(code) => ExitCode::from(code),
        Err(Usage(message)) => {
            eprintln!("wxface: {message}\n\n{USAGE}");
            ExitCode::from(64)
        }
    }
}

fn run(args: Vec<OsString>) -> Result<u8, Usage> {
    let mut parser = lexopt::Parser::from_args(args);
    let command = match parser.next()? {
        Some(lexopt::Arg::Value(v)) => v.string()?,
        Some(lexopt::Arg::Long("help") | lexopt::Arg::Short('h')) | None => {
            println!("{USAGE}");
            return Ok(0);
        }
        Some(other) => return Err(other.unexpected().into()),
    };
    match command.as_str() {
        "doctor" => {
            let mut config = None;
            let mut quiet = false;
            let mut prometheus = None;
            while let Some(arg) = parser.next()? {
                match arg {
                    lexopt::Arg::Short('c') | lexopt::Arg::Long("config") => {
                        config = Some(PathBuf::from(parser.value()?))
                    }
                    lexopt::Arg::Short('q') | lexopt::Arg::Long("quiet") => quiet = true,
                    lexopt::Arg::Long("prometheus") => {
                        prometheus = Some(PathBuf::from(parser.value()?))
                    }
                    other => return Err(other.unexpected().into()),
                }
            }
            Ok(doctor::run(
                &config_path(config)?,
                quiet,
                prometheus.as_deref(),
            ))
        }
        "id" => offline::id(&positional(&mut parser, 1)?),
        "md5" => {
            let args = positional(&mut parser, 2)?;
            match args.first().map(String::as_str) {
                Some("name") => offline::md5_name(&args[1..]),
                Some("id") => offline::md5_id(&args[1..]),
                _ => Err(Usage("md5 takes `name` or `id`".into())),
            }
        }
        "cert-hash" => offline::cert_hash(&positional(&mut parser, 1)?),
        "out-seq-no" => offline::out_seq_no(&positional(&mut parser, 2)?),
        "push" => {
            match parser.next()? {
                Some(lexopt::Arg::Value(v)) if v == "open" => {}
                _ => return Err(Usage("push takes `open`".into())),
            }
            let opts = Options::parse(&mut parser, &["query", "body", "now"])?;
            support::push_open(&config_path(opts.config.clone())?, &opts)
        }
        "verify" => {
            let opts = Options::parse(
                &mut parser,
                &["verify-result", "user-id-key", "openid", "prometheus"],
            )?;
            support::verify(&config_path(opts.config.clone())?, &opts)
        }
        "query" => {
            let opts = Options::parse(
                &mut parser,
                &[
                    "verify-id",
                    "out-seq-no",
                    "openid",
                    "cert-hash",
                    "prometheus",
                ],
            )?;
            support::query(&config_path(opts.config.clone())?, &opts)
        }
        "version" => {
            println!(
                "wxface {} (library {})",
                env!("CARGO_PKG_VERSION"),
                wxface::VERSION
            );
            Ok(0)
        }
        "help" => {
            println!("{USAGE}");
            Ok(0)
        }
        other => Err(Usage(format!("unknown command `{other}`"))),
    }
}

/// `-c FILE` or `$WXFACE_CONFIG`.
fn config_path(given: Option<PathBuf>) -> Result<PathBuf, Usage> {
    given
        .or_else(|| std::env::var_os("WXFACE_CONFIG").map(PathBuf::from))
        .ok_or_else(|| Usage("no configuration file: give -c FILE or set WXFACE_CONFIG".into()))
}

/// Up to `max` positional arguments.
fn positional(parser: &mut lexopt::Parser, max: usize) -> Result<Vec<String>, Usage> {
    let mut values = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            lexopt::Arg::Value(v) if values.len() < max => values.push(v.string()?),
            other => return Err(other.unexpected().into()),
        }
    }
    Ok(values)
}

/// `-c FILE` plus the named `--key value` options a command accepts.
pub struct Options {
    pub config: Option<PathBuf>,
    values: Vec<(String, String)>,
}

impl Options {
    fn parse(parser: &mut lexopt::Parser, accepted: &[&str]) -> Result<Options, Usage> {
        let mut opts = Options {
            config: None,
            values: Vec::new(),
        };
        while let Some(arg) = parser.next()? {
            match arg {
                lexopt::Arg::Short('c') | lexopt::Arg::Long("config") => {
                    opts.config = Some(PathBuf::from(parser.value()?))
                }
                lexopt::Arg::Long(name) if accepted.contains(&name) => {
                    let name = name.to_owned();
                    let value = parser.value()?.string()?;
                    opts.values.push((name, value));
                }
                other => return Err(other.unexpected().into()),
            }
        }
        Ok(opts)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn require(&self, name: &str) -> Result<&str, Usage> {
        self.get(name)
            .ok_or_else(|| Usage(format!("--{name} is required")))
    }
}
