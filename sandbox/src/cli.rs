//! Command-line options.

use std::time::Duration;

pub const USAGE: &str =
    "usage: wxface-sandbox [--listen 127.0.0.1:0] [--appid APPID] [--secret SECRET] \
[--token-ttl SECONDS] [--tls-cert CERT.pem --tls-key KEY.pem]";

pub struct Options {
    pub listen: String,
    pub appid: String,
    pub secret: String,
    pub token_ttl: Duration,
    pub tls: Option<(String, String)>,
}

impl Options {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
        let mut options = Options {
            listen: "127.0.0.1:0".into(),
            appid: "wx5a3d6f1e2b4c8d90".into(),
            secret: "sandbox-secret-0123456789abcdef".into(),
            token_ttl: Duration::from_secs(7200),
            tls: None,
        };
        let (mut cert, mut key) = (None, None);
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            if flag == "--help" || flag == "-h" {
                return Err(USAGE.into());
            }
            let value = args
                .next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
            match flag.as_str() {
                "--listen" => options.listen = value,
                "--appid" => options.appid = value,
                "--secret" => options.secret = value,
                "--token-ttl" => {
                    let secs: u64 = value
                        .parse()
                        .map_err(|_| format!("--token-ttl: not a number of seconds\n{USAGE}"))?;
                    options.token_ttl = Duration::from_secs(secs);
                }
                "--tls-cert" => cert = Some(value),
                "--tls-key" => key = Some(value),
                other => return Err(format!("unknown option {other}\n{USAGE}")),
            }
        }
        options.tls = match (cert, key) {
            (Some(c), Some(k)) => Some((c, k)),
            (None, None) => None,
            _ => return Err(format!("--tls-cert and --tls-key go together\n{USAGE}")),
        };
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_listen_on_an_ephemeral_loopback_port() {
        let o = parse(&[]).unwrap();
        assert_eq!(o.listen, "127.0.0.1:0");
        assert_eq!(o.token_ttl, Duration::from_secs(7200));
        assert!(o.tls.is_none());
    }

    #[test]
    fn bad_options_are_refused() {
        assert!(parse(&["--token-ttl", "soon"]).is_err());
        assert!(parse(&["--tls-cert", "c.pem"]).is_err());
        assert!(parse(&["--listen"]).is_err());
        assert!(parse(&["--bogus", "1"]).is_err());
    }
}
