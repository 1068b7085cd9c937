//! `wxface_config_set_audit_callback`: the audit trail handed to the
//! integrator's own sink (a table, syslog, a SIEM forwarder).

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

use super::config::{config, wxface_config, Callback};
use super::error::wxface_error;
use super::guard;
use super::response::wxface_response;
use crate::audit::{AuditSink, Record};

/// Receives one audit record: one per 1.0 verify, 2.0 getverifyid, query
/// and wait, push opened (or refused) and access-token fetch, whatever its
/// outcome. `record` holds the fields (read them with
/// `wxface_response_str`/`_int`/`_count`/`_field_name`): `time` (RFC 3339
/// UTC), `call`, `outcome` (VERIFIED, OK, PENDING, REJECTED, FAILED),
/// `code`, `code_name`, `errcode`, `verify_ret`, and when known
/// `out_seq_no`, `verify_result_hash` (SHA-256 hex), `verify_id` and
/// `openid` (masked), `subject` (name and ID number masked), `event`,
/// `source`, then `latency_us`, `attempts`, `queries`. `json` is the same
/// record as one line of JSON (UTF-8, no newline), as `audit_file` writes
/// it. Never a name, ID number, photo, verify_result, token or secret.
///
/// Both pointers are wxface's and valid only during the call: copy what
/// you keep, never free them. Called on the thread that made the call,
/// after its outcome is known and before it returns, possibly from several
/// threads at once: the callback must be thread-safe, return quickly and
/// never block (queue the record if storing it may wait), and must not call
/// wxface with the same client.
pub type wxface_audit_callback = Option<
    unsafe extern "system" fn(
        user_data: *mut c_void,
        record: *const wxface_response,
        json: *const c_char,
    ),
>;

/// Sends every client made from `cfg` afterwards the audit records of its calls
/// (see `wxface_audit_callback`); NULL removes the callback. With the
/// `audit_file` key as well, each record goes to both. `user_data` is handed
/// back unchanged and must stay valid while any client made from this
/// configuration lives. Not thread-safe: one thread per config, as for
/// `wxface_config_set`. Codes: WXFACE_OK; WXFACE_ERR_INVALID_ARGUMENT (`cfg`
/// NULL). Never blocks.
#[no_mangle]
pub unsafe extern "system" fn wxface_config_set_audit_callback(
    cfg: *mut wxface_config,
    callback: wxface_audit_callback,
    user_data: *mut c_void,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: a live config per the header; NULL is checked.
        unsafe { config(cfg) }?.audit_sink =
            Callback::hold(callback, user_data).map(|c| c as Arc<dyn AuditSink>);
        Ok(())
    })
}

type AuditFn = unsafe extern "system" fn(*mut c_void, *const wxface_response, *const c_char);

impl AuditSink for Callback<AuditFn> {
    fn record(&self, record: &Record) {
        let fields = wxface_response::from(record.to_response());
        // serde_json escapes every control character, NUL included.
        let Ok(json) = CString::new(record.to_json()) else {
            return;
        };
        // SAFETY: both pointers outlive the call; the callback is the
        // caller's contract.
        unsafe { (self.f)(self.user_data.0, &fields, json.as_ptr()) }
    }
}
