//! `wxface_client_stats`: the client's counters for monitoring.

use super::client::{client, wxface_client};
use super::error::wxface_error;
use super::response::wxface_response;
use super::{respond, Out};

/// The counters of `c` (and of every handle made from it with
/// `wxface_client_with_timeout`) since `wxface_client_new`, into `*out`, a
/// response to free with `wxface_response_free`. Integer fields:
/// `uptime_s`; `retries` (requests sent again); `token_fetches`,
/// `token_fetch_failures` (from WeChat or the token callback),
/// `token_rejections` (tokens WeChat refused mid-call);
/// `replay_rejections`; `audit_failures` (records `audit_file` could not
/// take); `calls.CALL.CODE_NAME`, e.g. `calls.v1_verify.WXFACE_OK`
/// (pairs never seen are absent); `requests.ENDPOINT`, e.g.
/// `requests.getinfo` (HTTP requests, retries included); and for each call
/// made, `latency.CALL.count`, `.sum_us`, `.p50_us`, `.p90_us`, `.p99_us`,
/// `.max_us` (microseconds, 1 % precision). CALL is one of
/// v1_get_user_id_key, v1_get_info, v1_get_image, v1_verify,
/// v2_get_verify_id, v2_query, v2_wait, push_check_url, push_open,
/// token_fetch. Text field `prometheus`: all of it in the Prometheus text
/// exposition format, for a scrape endpoint of your own.
///
/// Never blocks on the network; cheap enough for every scrape (counters
/// are read without stopping calls). Thread-safe.
#[no_mangle]
pub unsafe extern "system" fn wxface_client_stats(
    c: *const wxface_client,
    out: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    respond::<wxface_response, _>(err, Out::required(out, "out"), || {
        // SAFETY: a live client per the header; NULL is checked.
        unsafe { client(c) }.map(|c| c.stats().to_response())
    })
}
