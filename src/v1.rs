//! The 1.0 API (the seed's): getuseridkey, getinfo, and `verify`, which
//! makes every check WeChat tells integrators to make on getinfo's answer.
//!
//! The front end's "success" can be forged; only these checks, done on the
//! back end, prove that the expected person passed a fresh verification.

use std::borrow::Cow;

use serde::Serialize;

use crate::call::Safety;
use crate::client::{require, unix_now, Client, Trail};
use crate::digest;
use crate::errcode::{verdict_code, verify_ret_meaning};
use crate::error::{Code, Error, Result};
use crate::id_card;
use crate::log::Level;
use crate::mask;
use crate::name;
use crate::response::Response;
use crate::stats::Call;

const GET_USER_ID_KEY: &str = "/cityservice/face/identify/getuseridkey";
const GET_INFO: &str = "/cityservice/face/identify/getinfo";
const GET_IMAGE: &str = "/cityservice/face/identify/getimage";

const MAX_OPAQUE_CHARS: usize = 4096;
/// How far WeChat's clock may run ahead of ours before a finish_time in
/// the future is treated as forged.
const MAX_CLOCK_SKEW_S: i64 = 300;

/// getuseridkey's request body.
#[derive(Serialize)]
struct UserIdKeyRequest<'a> {
    name: &'a str,
    id_card_number: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    out_seq_no: Option<&'a str>,
}

/// getinfo's and getimage's request body.
#[derive(Serialize)]
struct ByVerifyResult<'a> {
    verify_result: &'a str,
}

/// Who the caller expects to have been verified.
#[derive(Clone, Copy, Debug)]
pub struct Expected<'a> {
    pub name: &'a str,
    pub id_card_number: &'a str,
    /// The user_id_key this verification was started with, if any.
    pub user_id_key: Option<&'a str>,
    /// The openid of the mini-program user who should have verified.
    pub openid: Option<&'a str>,
}

impl Client {
    /// Registers the person to verify; the answer's `user_id_key` goes to
    /// the mini program's `wx.startFacialRecognitionVerify`.
    pub fn v1_get_user_id_key(
        &self,
        name: &str,
        id_card_number: &str,
        out_seq_no: Option<&str>,
    ) -> Result<Response> {
        self.observe(Call::V1GetUserIdKey, |_| {
            self.get_user_id_key(name, id_card_number, out_seq_no)
        })
    }

    fn get_user_id_key(
        &self,
        name: &str,
        id_card_number: &str,
        out_seq_no: Option<&str>,
    ) -> Result<Response> {
        let name = checked_name(name)?;
        let name = name.as_ref();
        let id = id_card::normalize(id_card_number)?;
        if let Some(seq) = out_seq_no {
            require("out_seq_no", seq, 128)?;
        }
        let body = UserIdKeyRequest {
            name,
            id_card_number: &id,
            out_seq_no,
        };
        self.log().emit(Level::Info, || {
            format!(
                "v1 getuseridkey for {} {}",
                mask::name(name),
                mask::id_card(&id)
            )
        });
        let r = self.wechat_call(GET_USER_ID_KEY, &body, Safety::Write)?;
        r.require_text(GET_USER_ID_KEY, "user_id_key")?;
        Ok(r)
    }

    /// WeChat's record of a verification, unjudged. Prefer [`Client::v1_verify`].
    pub fn v1_get_info(&self, verify_result: &str) -> Result<Response> {
        self.observe(Call::V1GetInfo, |_| self.get_info(verify_result))
    }

    fn get_info(&self, verify_result: &str) -> Result<Response> {
        self.fetch_info(canonical_verify_result(verify_result)?)
    }

    /// getinfo for a verify_result already made canonical.
    fn fetch_info(&self, verify_result: &str) -> Result<Response> {
        self.wechat_call(GET_INFO, &ByVerifyResult { verify_result }, Safety::Read)
    }

    /// The photo taken during a 1.0 verification: fields `image` (bytes) and
    /// `content_type`. It is biometric data: store it only where the law
    /// allows, never in logs.
    pub fn v1_get_image(&self, verify_result: &str) -> Result<Response> {
        self.observe(Call::V1GetImage, |_| {
            let verify_result = canonical_verify_result(verify_result)?;
            self.wechat_image_call(GET_IMAGE, &ByVerifyResult { verify_result })
        })
    }

    /// Ok only if the verification passed, for the expected person, by the
    /// expected user and key, recently, and for the first time. Each failed
    /// check has its own code; the response is returned on success.
    pub fn v1_verify(&self, verify_result: &str, expected: &Expected<'_>) -> Result<Response> {
        self.observe(Call::V1Verify, |trail| {
            self.verify(verify_result, expected, trail)
        })
    }

    fn verify(
        &self,
        verify_result: &str,
        expected: &Expected<'_>,
        trail: &mut Trail,
    ) -> Result<Response> {
        // Check the caller's side first: no network call for a bad argument.
        let name = checked_name(expected.name)?;
        let name = name.as_ref();
        let id = id_card::normalize(expected.id_card_number)?;
        trail.subject(name, &id);
        // WeChat and the replay guard see the same bytes.
        let verify_result = canonical_verify_result(verify_result)?;
        trail.verify_result(verify_result);
        if let Some(k) = expected.user_id_key {
            require("user_id_key", k, MAX_OPAQUE_CHARS)?;
        }
        if let Some(o) = expected.openid {
            require("openid", o, 128)?;
            trail.openid(o);
        }
        let who = || format!("{} {}", mask::name(name), mask::id_card(&id));
        let r = self.fetch_info(verify_result)?;
        let verdict = judge(
            &r,
            name,
            &id,
            expected,
            self.inner.max_result_age_s,
            unix_now(),
        )
        .and_then(|()| {
            // Last, so that only a result that passed every other check is
            // remembered; an unreachable store fails the verdict.
            if self.inner.replay.first_use(verify_result)? {
                Ok(())
            } else {
                Err(Error::new(
                    Code::Replayed,
                    "this verify_result was already accepted (by this client or another sharing its state_store)",
                ))
            }
        });
        match &verdict {
            Ok(()) => self
                .log()
                .emit(Level::Info, || format!("v1 verify {}: VERIFIED", who())),
            Err(e) => self.log().emit(Level::Warn, || {
                format!("v1 verify {}: REJECTED {}: {}", who(), e.code, e.message)
            }),
        }
        verdict.map(|()| r)
    }
}

/// The checks, in the order that gives the most useful code: did it pass,
/// for whom, by whom, when.
fn judge(
    r: &Response,
    name: &str,
    id: &str,
    expected: &Expected<'_>,
    max_age_s: u64,
    now: i64,
) -> Result<()> {
    let ret = r.require_int(GET_INFO, "identify_ret")?;
    if ret != 0 {
        // 10005 "still checking": the same treatment as 2.0's.
        return Err(Error::new(
            verdict_code(ret),
            format!("identify_ret {ret}: {}", verify_ret_meaning(ret)),
        )
        .with_verify_ret(i32::try_from(ret).unwrap_or(i32::MIN)));
    }
    let (_, id_md5) = md5_field(r, "id_card_number_md5")?;
    if !digest::md5_is(id.as_bytes(), &id_md5) {
        return Err(Error::new(
            Code::IdMismatch,
            format!(
                "the verified ID number is not the expected {}",
                mask::id_card(id)
            ),
        ));
    }
    let (name_md5_hex, name_md5) = md5_field(r, "name_utf8_md5")?;
    if !digest::md5_is(name.as_bytes(), &name_md5) {
        let hint =
            name::separator_hint(name, name_md5_hex).map_or(String::new(), |h| format!(" ({h})"));
        return Err(Error::new(
            Code::NameMismatch,
            format!(
                "the verified name is not the expected {}{hint}",
                mask::name(name)
            ),
        ));
    }
    // Read strictly whether or not the caller compares them: a number
    // where WeChat sends a string is a bad answer either way.
    let user_id_key = r.text_field(GET_INFO, "user_id_key")?;
    let openid = r.text_field(GET_INFO, "openid")?;
    let finished = r.int_field(GET_INFO, "finish_time")?;
    if let Some(want) = expected.user_id_key {
        if user_id_key != Some(want) {
            return Err(Error::new(
                Code::UserIdKeyMismatch,
                format!(
                    "the verification belongs to another user_id_key, not {}",
                    mask::opaque(want)
                ),
            ));
        }
    }
    if let Some(want) = expected.openid {
        if openid != Some(want) {
            return Err(Error::new(
                Code::OpenidMismatch,
                format!(
                    "the verification was done by another openid, not {}",
                    mask::opaque(want)
                ),
            ));
        }
    }
    if max_age_s > 0 {
        let finished = finished.ok_or_else(|| {
            Error::new(
                Code::BadResponse,
                format!("{GET_INFO}: no finish_time in the answer"),
            )
        })?;
        // Saturating: finish_time comes from outside and may be any i64.
        let ahead = finished.saturating_sub(now);
        if ahead > MAX_CLOCK_SKEW_S {
            return Err(Error::new(
                Code::StaleResult,
                format!("the verification finishes {ahead} s in the future: a forged result or a wrong clock"),
            ));
        }
        let age = now.saturating_sub(finished);
        if age > i64::try_from(max_age_s).unwrap_or(i64::MAX) {
            return Err(Error::new(
                Code::StaleResult,
                format!(
                    "the verification finished {age} s ago, more than max_result_age_s {max_age_s}"
                ),
            ));
        }
    }
    Ok(())
}

/// The one form of a verify_result that WeChat and the replay guard both
/// see: surrounding whitespace (a padded legacy string) trimmed, so one
/// result is accepted once whatever surrounds it; whitespace inside is
/// refused, since WeChat's results have none.
fn canonical_verify_result(verify_result: &str) -> Result<&str> {
    let verify_result = verify_result.trim();
    // char::is_whitespace's ASCII members, without decoding UTF-8.
    let inside = if verify_result.is_ascii() {
        verify_result
            .bytes()
            .any(|b| matches!(b, b'\t'..=b'\r' | b' '))
    } else {
        verify_result.chars().any(char::is_whitespace)
    };
    if inside {
        return Err(Error::invalid_argument(
            "verify_result",
            "holds whitespace inside (a '+' lost to URL decoding?)",
        ));
    }
    require("verify_result", verify_result, MAX_OPAQUE_CHARS)?;
    Ok(verify_result)
}

/// An MD5 WeChat reports, as written and as its 16 bytes: a JSON string
/// of 32 hex digits, or a bad answer (never a mismatch, which would blame
/// the person).
fn md5_field<'r>(r: &'r Response, field: &str) -> Result<(&'r str, [u8; 16])> {
    let text = r.require_text(GET_INFO, field)?;
    match digest::md5_from_hex(text) {
        Some(md5) => Ok((text, md5)),
        None => Err(Error::new(
            Code::BadResponse,
            format!("{GET_INFO}: {field} is not 32 hex digits in the answer"),
        )),
    }
}

/// The name as WeChat knows it: trimmed, separator look-alikes mapped to
/// U+00B7 (see [`crate::name`]), and checked.
pub(crate) fn checked_name(name: &str) -> Result<Cow<'_, str>> {
    let name = name.trim();
    require("name", name, crate::name::MAX_NAME_CHARS)?;
    Ok(name::canonical(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Value;

    const NAME: &str = "张三";
    const ID: &str = "11010519491231002X";
    const NOW: i64 = 1_800_000_000;

    fn passed() -> Response {
        let mut r = Response::new();
        r.set("errcode", Value::Int(0));
        r.set("identify_ret", Value::Int(0));
        r.set_text("id_card_number_md5", digest::md5_hex(ID.as_bytes()));
        r.set_text("name_utf8_md5", digest::name_md5(NAME).unwrap());
        r.set_text("user_id_key", "key-1");
        r.set_text("openid", "o-user-1");
        r.set("finish_time", Value::Int(NOW - 10));
        r
    }

    fn expected() -> Expected<'static> {
        Expected {
            name: NAME,
            id_card_number: ID,
            user_id_key: Some("key-1"),
            openid: Some("o-user-1"),
        }
    }

    fn code_of(r: &Response) -> Code {
        judge(r, NAME, ID, &expected(), 600, NOW)
            .err()
            .map_or(Code::Ok, |e| e.code)
    }

    #[test]
    fn an_honest_result_passes_every_check() {
        assert_eq!(code_of(&passed()), Code::Ok);
    }

    #[test]
    fn a_failed_identify_ret_is_not_passed_with_its_value() {
        let mut r = passed();
        r.set("identify_ret", Value::Int(10004));
        let e = judge(&r, NAME, ID, &expected(), 600, NOW).unwrap_err();
        assert_eq!((e.code, e.verify_ret), (Code::NotPassed, 10004));
    }

    #[test]
    fn still_checking_is_pending_not_a_failure() {
        let mut r = passed();
        r.set("identify_ret", Value::Int(10005));
        let e = judge(&r, NAME, ID, &expected(), 600, NOW).unwrap_err();
        assert_eq!((e.code, e.verify_ret), (Code::Pending, 10005));
    }

    #[test]
    fn upper_case_md5_hex_from_wechat_still_matches() {
        let mut r = passed();
        r.set_text(
            "id_card_number_md5",
            digest::md5_hex(ID.as_bytes()).to_uppercase(),
        );
        assert_eq!(code_of(&r), Code::Ok);
    }

    #[test]
    fn each_mismatch_has_its_own_code() {
        let mut r = passed();
        r.set_text("id_card_number_md5", digest::md5_hex(b"110105194912310029"));
        assert_eq!(code_of(&r), Code::IdMismatch);
        let mut r = passed();
        r.set_text("name_utf8_md5", digest::name_md5("李四").unwrap());
        assert_eq!(code_of(&r), Code::NameMismatch);
        let mut r = passed();
        r.set_text("user_id_key", "key-2");
        assert_eq!(code_of(&r), Code::UserIdKeyMismatch);
        let mut r = passed();
        r.set_text("openid", "o-user-2");
        assert_eq!(code_of(&r), Code::OpenidMismatch);
        let mut r = passed();
        r.set("finish_time", Value::Int(NOW - 601));
        assert_eq!(code_of(&r), Code::StaleResult);
        let mut r = passed();
        r.set("finish_time", Value::Int(NOW + 86_400));
        assert_eq!(code_of(&r), Code::StaleResult, "a result from the future");
        let mut r = passed();
        r.set("finish_time", Value::Int(NOW + 60));
        assert_eq!(code_of(&r), Code::Ok, "a little clock skew is tolerated");
    }

    #[test]
    fn a_name_mismatch_involving_a_separator_says_so_without_the_name() {
        let expected_name = "阿卜杜·热合曼";
        let mut r = passed();
        r.set_text("name_utf8_md5", digest::name_md5("阿卜杜热合曼").unwrap());
        let e = judge(&r, expected_name, ID, &expected(), 600, NOW).unwrap_err();
        assert_eq!(e.code, Code::NameMismatch);
        assert!(e.message.contains("separator"), "{}", e.message);
        assert!(!e.message.contains("卜杜"), "{}", e.message);
    }

    #[test]
    fn look_alike_separators_in_the_expected_name_are_mapped_to_the_middle_dot() {
        for typed in [
            "阿卜杜・热合曼",
            "阿卜杜•热合曼",
            "阿卜杜‧热合曼",
            "阿卜杜．热合曼",
            "阿卜杜.热合曼",
        ] {
            assert_eq!(checked_name(typed).unwrap(), "阿卜杜·热合曼", "{typed}");
        }
    }

    #[test]
    fn missing_fields_are_never_taken_as_a_pass() {
        for field in [
            "identify_ret",
            "id_card_number_md5",
            "name_utf8_md5",
            "finish_time",
        ] {
            let mut r = Response::new();
            for (k, v) in passed().fields().filter(|(k, _)| *k != field) {
                r.set(k, v.clone());
            }
            assert_eq!(code_of(&r), Code::BadResponse, "{field}");
        }
    }
}
