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
        // The query names another verification than the one getverifyid
        // started: forged or mixed up, like 1.0's mismatch verdicts.
        84017 => Code::OpenidMismatch,
        84018 => Code::CertHashMismatch,
        84020 => Code::OutSeqNoMismatch,
        84019 => Code::OutSeqNoUsed,
        84022 => Code::VerifyIdExpired,
        _ if rejected_field(errcode).is_some() => Code::FieldRejected,
        _ => Code::Wechat,
    }
}

/// The request field WeChat refused, for the errcodes that name one
/// (getverifyid's and queryverifyinfo's pages; 84006 is 1.0's).
pub fn rejected_field(errcode: i64) -> Option<&'static str> {
    Some(match errcode {
        40003 | 84016 => "openid",
        84010 | 84011 => "out_seq_no",
        84012 => "cert_info",
        84013 => "cert_type",
        84014 => "cert_name",
        84015 => "cert_no",
        84021 => "verify_id",
        84006 => "name or id_card_number",
        _ => return None,
    })
}

pub fn errcode_meaning(errcode: i64) -> &'static str {
    match errcode {
        -1 => "system busy",
        40001 => "access_token invalid or not the latest (or wrong secret)",
        40002 => "invalid grant_type",
        40003 => "invalid openid (not a user of this mini program)",
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
        84010 => "out_seq_no missing",
        84011 => "out_seq_no format invalid (5 to 32 of 0-9 A-Z a-z _ -)",
        84012 => "cert_info missing",
        84013 => "cert_type invalid",
        84014 => "cert_name invalid (empty or not UTF-8)",
        84015 => "cert_no invalid",
        84016 => "openid missing",
        84017 => "openid does not match getverifyid's",
        84018 => "cert_hash invalid or not matching getverifyid's cert_info",
        84019 => "out_seq_no already used",
        84020 => "out_seq_no does not match getverifyid's",
        84021 => "verify_id missing",
        84022 => "verify_id expired",
        _ => "see WeChat's errcode table",
    }
}

/// verify_ret (2.0) and identify_ret (1.0) values that mean "not finished
/// yet": the user may still pass, so they are neither a pass nor a failure.
pub fn is_pending(ret: i64) -> bool {
    matches!(ret, 10005 | 10300)
}

/// The code for a verify_ret (2.0) or identify_ret (1.0) that is not a pass.
pub fn verdict_code(ret: i64) -> Code {
    if is_pending(ret) {
        Code::Pending
    } else {
        Code::NotPassed
    }
}

/// Meaning of a verify_ret (2.0) or identify_ret (1.0): the official 2.0
/// table, with 1.0's names where only 1.0 uses a value.
pub fn verify_ret_meaning(ret: i64) -> &'static str {
    match ret {
        0 | 10000 => "passed",
        10001 => "parameter error",
        10002 => "face feature detection failed",
        10003 => "ID number does not match",
        10004 => "face does not match the ID photo",
        10005 => "still being checked",
        10006 => "appid lacks permission",
        10007 => "fetching the ID photo failed",
        10008 | 10013 | 10014 | 10045 => "system failure",
        10009 | 10011 => "photo source or backend failure",
        10010 => "photo quality too low",
        10012 => "comparison failed",
        10015 => "comparison service unavailable",
        10016 => "storing the photo failed",
        10017 => "invalid id (identify_id or verify_id)",
        10018 => "user info not found",
        10020 | 10029 | 10052 => "timed out",
        10021 => "duplicate request (the last result was returned)",
        10026 => "identity not in the authoritative database",
        10040 => "not UTF-8",
        10041 => "invalid user (user_id_key)",
        10042 => "too frequent",
        10300 => "verification not completed",
        90001 | 90109 => "device not supported",
        90002..=90006 => "cancelled by the user",
        90007 | 90012 => "network error on the phone",
        90008..=90010 => "camera or microphone not authorised",
        90011 | 90013 | 90014 => "invalid capture",
        90017 => "timed out on the phone",
        90018 => "system error on the phone",
        90104..=90110 | 90199 => "failed on the phone",
        90000..=90025 | 90100..=90198 => "failed or cancelled on the phone",
        _ => "not passed (a value WeChat does not document)",
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

    #[test]
    fn every_errcode_of_the_two_v2_pages_has_its_code() {
        let table = [
            (40003, Code::FieldRejected),
            (84010, Code::FieldRejected),
            (84011, Code::FieldRejected),
            (84012, Code::FieldRejected),
            (84013, Code::FieldRejected),
            (84014, Code::FieldRejected),
            (84015, Code::FieldRejected),
            (84016, Code::FieldRejected),
            (84017, Code::OpenidMismatch),
            (84018, Code::CertHashMismatch),
            (84019, Code::OutSeqNoUsed),
            (84020, Code::OutSeqNoMismatch),
            (84021, Code::FieldRejected),
            (84022, Code::VerifyIdExpired),
        ];
        for (errcode, code) in table {
            assert_eq!(code_for(errcode), code, "{errcode}");
            assert_ne!(errcode_meaning(errcode), "see WeChat's errcode table");
        }
    }

    #[test]
    fn a_refused_field_is_named_by_its_errcode() {
        assert_eq!(rejected_field(84011), Some("out_seq_no"));
        assert_eq!(rejected_field(84015), Some("cert_no"));
        assert_eq!(rejected_field(40003), Some("openid"));
        assert_eq!(rejected_field(84021), Some("verify_id"));
        assert_eq!(rejected_field(84017), None, "a mismatch, not a bad field");
    }

    #[test]
    fn only_still_checking_and_not_completed_are_pending() {
        assert!(is_pending(10005) && is_pending(10300));
        for ret in [0, 10000, 10004, 10026, 90002] {
            assert!(!is_pending(ret), "{ret}");
        }
    }

    #[test]
    fn the_official_verify_ret_values_each_name_their_reason() {
        assert_eq!(
            verify_ret_meaning(10026),
            "identity not in the authoritative database"
        );
        assert_eq!(verify_ret_meaning(10010), "photo quality too low");
        assert_eq!(
            verify_ret_meaning(90008),
            "camera or microphone not authorised"
        );
        assert_eq!(verify_ret_meaning(10300), "verification not completed");
        let documented = [
            10001, 10002, 10003, 10004, 10005, 10006, 10007, 10008, 10010, 10012, 10013, 10014,
            10015, 10016, 10017, 10018, 10020, 10021, 10026, 10029, 10040, 10041, 10042, 10045,
            10052, 10300, 90001, 90002, 90003, 90004, 90005, 90006, 90007, 90008, 90009, 90010,
            90011, 90012, 90013, 90014, 90017, 90018, 90104, 90105, 90106, 90107, 90108, 90109,
            90110, 90199,
        ];
        for ret in documented {
            assert!(!verify_ret_meaning(ret).starts_with("not passed"), "{ret}");
        }
        assert!(verify_ret_meaning(12345).starts_with("not passed"));
    }
}
