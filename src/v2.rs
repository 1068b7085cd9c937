//! The 2.0 API (WeChat's current one): getverifyid and queryverifyinfo.
//!
//! Between the two calls the back end keeps only verify_id, out_seq_no,
//! openid and cert_hash, so it need not store the raw name and number.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::call::Safety;
use crate::client::{require, unix_now, Client, Trail};
use crate::digest;
use crate::errcode::{verdict_code, verify_ret_meaning};
use crate::error::{Code, Error, Result};
use crate::id_card;
use crate::log::Level;
use crate::mask;
use crate::out_seq_no;
use crate::response::Response;
use crate::stats::Call;

const GET_VERIFY_ID: &str = "/cityservice/face/identify/getverifyid";
const QUERY: &str = "/cityservice/face/identify/queryverifyinfo";
pub const CERT_TYPE: &str = "IDENTITY_CARD";
/// WeChat's only passing verify_ret.
pub const VERIFY_RET_PASSED: i64 = 10000;
/// A verify_id's life when getverifyid's answer does not say (WeChat's default).
const DEFAULT_LIFE_S: i64 = 3600;

impl Client {
    /// Starts a verification for `openid`; the answer carries `verify_id`,
    /// `expires_in`, `expires_at` (Unix seconds, from `expires_in` on
    /// arrival) and the `cert_hash` to keep for [`Client::v2_query`].
    /// out_seq_no must follow WeChat's rule (see [`out_seq_no::check`]).
    pub fn v2_get_verify_id(
        &self,
        out_seq_no: &str,
        openid: &str,
        name: &str,
        id_card_number: &str,
    ) -> Result<Response> {
        self.observe(Call::V2GetVerifyId, |trail| {
            self.get_verify_id(out_seq_no, openid, name, id_card_number, trail)
        })
    }

    fn get_verify_id(
        &self,
        out_seq_no: &str,
        openid: &str,
        name: &str,
        id_card_number: &str,
        trail: &mut Trail,
    ) -> Result<Response> {
        out_seq_no::check(out_seq_no)?;
        trail.out_seq_no(out_seq_no);
        require("openid", openid, 128)?;
        trail.openid(openid);
        let name = crate::v1::checked_name(name)?;
        let name = name.as_ref();
        let id = id_card::normalize(id_card_number)?;
        trail.subject(name, &id);
        let body = VerifyIdRequest {
            out_seq_no,
            cert_info: CertInfo {
                cert_type: CERT_TYPE,
                cert_name: name,
                cert_no: &id,
            },
            openid,
        };
        self.log().emit(Level::Info, || {
            format!(
                "v2 getverifyid for {} {} openid {}",
                mask::name(name),
                mask::id_card(&id),
                mask::opaque(openid)
            )
        });
        let mut r = self.wechat_call(GET_VERIFY_ID, &body, Safety::Write)?;
        let verify_id = r.require_text(GET_VERIFY_ID, "verify_id")?.to_owned();
        trail.verify_id(&verify_id);
        // WeChat documents a default of 3600 s when expires_in is absent;
        // present, it is a JSON integer or the answer is bad.
        let life_s = r
            .int_field(GET_VERIFY_ID, "expires_in")?
            .filter(|s| (1..=86_400).contains(s))
            .unwrap_or(DEFAULT_LIFE_S);
        self.inner.lives.remember(
            &verify_id,
            Instant::now() + Duration::from_secs(life_s.unsigned_abs()),
        );
        r.set(
            "expires_at",
            crate::Value::Int(unix_now().saturating_add(life_s)),
        );
        r.set_text("cert_hash", digest::cert_hash(CERT_TYPE, name, &id)?);
        Ok(r)
    }

    /// Ok only if WeChat answers errcode 0 and verify_ret 10000. 10005 and
    /// 10300 (not finished yet) are `Code::Pending`, every other value
    /// `Code::NotPassed`. WeChat itself checks out_seq_no, openid and
    /// cert_hash against getverifyid's (84020, 84017, 84018).
    pub fn v2_query(
        &self,
        verify_id: &str,
        out_seq_no: &str,
        openid: &str,
        cert_hash: &str,
    ) -> Result<Response> {
        self.observe(Call::V2Query, |trail| {
            trail.note_query(verify_id, out_seq_no, openid);
            self.query(verify_id, out_seq_no, openid, cert_hash, trail)
        })
    }

    /// One queryverifyinfo, not counted on its own (`v2_wait` counts its
    /// queries as one call).
    pub(crate) fn query(
        &self,
        verify_id: &str,
        out_seq_no: &str,
        openid: &str,
        cert_hash: &str,
        trail: &mut Trail,
    ) -> Result<Response> {
        let body = query_body(verify_id, out_seq_no, openid, cert_hash)?;
        let r = self.wechat_call(QUERY, &body, Safety::Read)?;
        let ret = r.require_int(QUERY, "verify_ret")?;
        if ret != VERIFY_RET_PASSED {
            let code = verdict_code(ret);
            self.log().emit(Level::Warn, || {
                let verdict = if code == Code::Pending {
                    "PENDING"
                } else {
                    "REJECTED"
                };
                format!(
                    "v2 query openid {}: {verdict} verify_ret {ret}",
                    mask::opaque(openid)
                )
            });
            return Err(Error::new(
                code,
                format!("verify_ret {ret}: {}", verify_ret_meaning(ret)),
            )
            .with_verify_ret(i32::try_from(ret).unwrap_or(i32::MIN)));
        }
        self.log().emit(Level::Info, || {
            format!("v2 query openid {}: VERIFIED", mask::opaque(openid))
        });
        trail.verify_ret = VERIFY_RET_PASSED as i32;
        Ok(r)
    }
}

/// getverifyid's request body.
#[derive(Serialize)]
struct VerifyIdRequest<'a> {
    out_seq_no: &'a str,
    cert_info: CertInfo<'a>,
    openid: &'a str,
}

#[derive(Serialize)]
struct CertInfo<'a> {
    cert_type: &'a str,
    cert_name: &'a str,
    cert_no: &'a str,
}

/// queryverifyinfo's request body.
#[derive(Serialize)]
struct QueryRequest<'a> {
    verify_id: &'a str,
    out_seq_no: &'a str,
    cert_hash: String,
    openid: &'a str,
}

/// The four fields of queryverifyinfo, checked.
fn query_body<'a>(
    verify_id: &'a str,
    out_seq_no: &'a str,
    openid: &'a str,
    cert_hash: &str,
) -> Result<QueryRequest<'a>> {
    require("verify_id", verify_id, 1024)?;
    out_seq_no::check(out_seq_no)?;
    require("openid", openid, 128)?;
    if cert_hash.len() != 64 || !cert_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::invalid_argument(
            "cert_hash",
            "must be 64 hex digits (from get_verify_id)",
        ));
    }
    Ok(QueryRequest {
        verify_id,
        out_seq_no,
        cert_hash: cert_hash.to_ascii_lowercase(),
        openid,
    })
}
