//! The proxy between this library and WeChat, in one place: the `proxy`
//! setting and its validation, curl's environment rules, and the spelling
//! ureq is given. Configuration parses with it and the transport connects
//! with it; neither needs the other.

use zeroize::Zeroizing;

/// What the `proxy` key says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProxySetting {
    /// The standard `https_proxy`/`http_proxy`/`all_proxy`/`no_proxy` variables.
    FromEnvironment,
    None,
    Url(Zeroizing<String>),
}

impl ProxySetting {
    /// The `proxy` key's value: empty for the environment, `none`, or a URL
    /// (see [`validate`]). The error never repeats the value: it may hold a
    /// password.
    pub fn parse(value: &str) -> Result<ProxySetting, String> {
        match value {
            "" => Ok(ProxySetting::FromEnvironment),
            "none" => Ok(ProxySetting::None),
            url => {
                validate(url)?;
                Ok(ProxySetting::Url(Zeroizing::new(url.to_owned())))
            }
        }
    }
}

/// Checks a proxy URL's shape without echoing it (it may hold a password).
pub fn validate(url: &str) -> Result<(), String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("must be scheme://[user:pass@]host:port")?;
    if !matches!(
        scheme,
        "http" | "socks5" | "socks5h" | "socks" | "socks4" | "socks4a"
    ) {
        return Err("scheme must be http, socks4 or socks5".into());
    }
    let hostport = rest
        .rsplit_once('@')
        .map_or(rest, |(_, h)| h)
        .trim_end_matches('/');
    let (host, port) = hostport.rsplit_once(':').ok_or("must name a port")?;
    if host.is_empty() || port.parse::<u16>().is_err() {
        return Err("must be scheme://[user:pass@]host:port".into());
    }
    ureq::Proxy::new(&for_ureq(url)).map_err(|_| "not a valid proxy URL".to_owned())?;
    Ok(())
}

/// The proxy URL a client uses to reach `api_base` under `setting` (the
/// `proxy` key, or the environment by curl's rules), in the spelling ureq
/// takes; `None` for a direct connection. Also for tools that diagnose the
/// path (`wxface doctor`); the URL may hold credentials.
pub fn effective(setting: &ProxySetting, api_base: &str) -> Option<String> {
    match setting {
        ProxySetting::None => None,
        ProxySetting::Url(u) => Some(for_ureq(u)),
        ProxySetting::FromEnvironment => from_env(api_base, |k| std::env::var(k).ok()),
    }
}

/// ureq knows no `socks5h` (curl's name for SOCKS5 with host names resolved
/// by the proxy); it is given the same proxy as `socks5`.
fn for_ureq(url: &str) -> String {
    url.replace("socks5h://", "socks5://")
}

/// curl's rules: `https_proxy`/`HTTPS_PROXY` for https, lower-case
/// `http_proxy` only for http (upper case is attacker-settable under CGI),
/// then `all_proxy`; `no_proxy` lists hosts or domain suffixes, `*` for all.
/// Loopback is never proxied, as in Go's net/http. A variable holding no
/// valid proxy URL is ignored.
fn from_env(api_base: &str, var: impl Fn(&str) -> Option<String>) -> Option<String> {
    let https = api_base.starts_with("https://");
    let host = api_base.split_once("://").map_or("", |(_, r)| r);
    let host = host
        .rsplit_once(':')
        .filter(|(_, p)| p.parse::<u16>().is_ok())
        .map_or(host, |(h, _)| h);
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if host == "localhost" || host.starts_with("127.") || host == "::1" {
        return None;
    }
    let get = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| var(n).filter(|v| !v.trim().is_empty()))
    };
    let no_proxy = get(&["no_proxy", "NO_PROXY"]).unwrap_or_default();
    for entry in no_proxy
        .split(',')
        .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
    {
        if entry == "*"
            || (!entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}"))))
        {
            return None;
        }
    }
    let url = if https {
        get(&["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"])
    } else {
        get(&["http_proxy", "all_proxy", "ALL_PROXY"])
    }?;
    let url = if url.contains("://") {
        url
    } else {
        format!("http://{url}")
    };
    validate(&url).ok()?;
    Some(for_ureq(&url))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn https_uses_https_proxy_and_honours_no_proxy() {
        let vars = [
            ("https_proxy", "http://gw:3128"),
            ("no_proxy", "example.com"),
        ];
        assert_eq!(
            from_env("https://api.weixin.qq.com", env(&vars)).as_deref(),
            Some("http://gw:3128")
        );
        assert_eq!(from_env("https://api.example.com", env(&vars)), None);
    }

    #[test]
    fn loopback_is_never_proxied() {
        let vars = [("http_proxy", "http://gw:3128")];
        assert_eq!(from_env("http://127.0.0.1:9000", env(&vars)), None);
    }

    #[test]
    fn upper_case_http_proxy_is_ignored_for_http() {
        let vars = [("HTTP_PROXY", "http://evil:1")];
        assert_eq!(from_env("http://wechat.internal:80", env(&vars)), None);
    }

    #[test]
    fn proxy_urls_are_checked_without_echoing_them() {
        assert!(validate("http://u:p@gw:3128").is_ok());
        assert!(validate("socks5://gw:1080").is_ok());
        let why = validate("ftp://u:secretpw@gw:1").unwrap_err();
        assert!(!why.contains("secretpw"));
        assert!(validate("http://gw").is_err());
    }

    #[test]
    fn socks5h_reaches_ureq_as_socks5_from_the_key_and_the_environment() {
        let setting = ProxySetting::parse("socks5h://gw:1080").unwrap();
        let expected = Some("socks5://gw:1080".to_owned());
        assert_eq!(effective(&setting, "https://api.weixin.qq.com"), expected);
        let vars = [("all_proxy", "socks5h://gw:1080")];
        assert_eq!(from_env("https://api.weixin.qq.com", env(&vars)), expected);
    }

    #[test]
    fn the_setting_is_the_environment_none_or_a_checked_url() {
        assert_eq!(ProxySetting::parse(""), Ok(ProxySetting::FromEnvironment));
        assert_eq!(ProxySetting::parse("none"), Ok(ProxySetting::None));
        assert!(ProxySetting::parse("gw:3128").is_err());
    }
}
