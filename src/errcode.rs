//! WeChat's errcodes and verification return codes, mapped to wxface codes
//! and to short English meanings for messages.

use crate::error::Code;

/// Token errors after which a fresh token may succeed (PROTOCOL.md).
pub fn is_token_error(errcode: i64) -> bool {
    matches!(errcode, 40001 | 40014 | 41001 | 42001)
}

pub fn code_for(errcode: i64) -> Code {
    match errcode {
        -1 => Code::SystemBusy,
        40001 | 40014 | 41001 | 42001 | 40013 | 40125 | 40164 | 40002 | 41002 | 41004 => {
            Code::AccessToken
        }
        45009 | 45011 | 45033 => Code::RateLimited,
        84001 => Code::VerifyResultInvalid,
        84002 => Code::VerifyResultExpired,
        84003 => Code::UserInfoNotFound,
        _ => Code::Wechat,
    }
}

pub fn errcode_meaning(errcode: i64) -> &'static str {
    match errcode {
        -1 => "system busy",
        40001 => "access_token invalid or not the latest (or wrong secret)",
        40002 => "invalid grant_type",
        40013 => "invalid appid",
        40014 => "invalid access_token",
        40125 => "invalid appsecret",
        40164 => "caller IP not in the whitelist",
        41001 => "access_token missing",
        42001 => "access_token expired",
        43002 => "wrong HTTP method",
        45009 => "daily API quota reached",
        45011 => "API called too often (per-minute limit)",
        47001 => "request body not valid JSON",
        48001 => "API not authorised for this appid",
        50001 => "user not authorised for this API",
        84001 => "invalid verify_result",
        84002 => "user info expired",
        84003 => "user info does not exist",
        84006 => "name or ID number empty",
        _ => "see WeChat's errcode table",
    }
}

/// Meaning of a failed identify_ret (1.0) or verify_ret (2.0).
pub fn verify_ret_meaning(ret: i64) -> &'static str {
    match ret {
        10001 => "parameter error",
        10002 => "face feature detection failed",
        10003 => "ID number does not match",
        10004 => "face does not match the ID photo",
        10005 => "still being checked",
        10006 => "appid lacks permission",
        10007..=10011 => "photo source or backend failure",
        10015 => "comparison service unavailable",
        10017 => "invalid identify_id",
        10018 => "user info not found",
        10020 => "timed out",
        10021 => "duplicate request",
        10040 => "not UTF-8",
        10041 => "invalid user_id_key",
        10042 => "too frequent",
        10045 => "system failure",
        90000..=90025 | 90100..=90199 => "failed or cancelled on the phone",
        _ => "not passed",
    }
}

/// WeChat's errmsg, made safe for an error message: ASCII only, long
/// opaque runs (rids, tokens echoed back) hidden, and bounded.
pub fn sanitize_errmsg(msg: &str) -> String {
    let mut out = String::new();
    for word in msg.split(' ') {
        if !out.is_empty() {
            out.push(' ');
        }
        let ascii: String = word.chars().filter(|c| c.is_ascii_graphic()).collect();
        // Long opaque runs (rids, tokens) and digit groups (an ID number
        // split by spaces) are hidden; WeChat's own words have neither.
        let long_run = ascii.chars().filter(|c| c.is_ascii_alphanumeric()).count() >= 12;
        let digits = ascii.chars().filter(|c| c.is_ascii_digit()).count() >= 4;
        if long_run || digits {
            out.push_str("<hidden>");
        } else {
            out.push_str(&ascii);
        }
        if out.len() > 160 {
            // One long word can exceed the bound alone; `out` is ASCII, so any cut is a char boundary.
            out.truncate(160);
            out.push('…');
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errmsg_loses_long_identifiers_and_non_ascii() {
        let s = sanitize_errmsg("invalid credential, access_token is invalid rid: 6543a1b2-0c8d9e7f6a5b 张三 11010519491231002X");
        assert!(!s.contains("11010519491231002X"));
        assert!(!s.contains('张'));
        assert!(s.starts_with("invalid credential"));
    }

    #[test]
    fn errmsg_hides_an_id_number_split_by_spaces() {
        let s = sanitize_errmsg("bad id 110105 19491231 002X");
        assert!(!s.contains("110105") && !s.contains("19491231"), "{s}");
    }

    #[test]
    fn the_documented_codes_map_to_their_wxface_codes() {
        assert_eq!(code_for(84001), Code::VerifyResultInvalid);
        assert_eq!(code_for(84002), Code::VerifyResultExpired);
        assert_eq!(code_for(84003), Code::UserInfoNotFound);
        assert_eq!(code_for(-1), Code::SystemBusy);
        assert_eq!(code_for(45011), Code::RateLimited);
        assert_eq!(code_for(40164), Code::AccessToken);
        assert_eq!(code_for(48001), Code::Wechat);
    }
}
