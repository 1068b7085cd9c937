//! `wxface_config_set_replay_callback`: the replay guard kept in the
//! integrator's own database instead of memory or Redis.

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

use super::config::{config, wxface_config, Callback};
use super::error::wxface_error;
use super::guard;
use crate::error::{Code, Error, Result};
use crate::store::{Remembered, ReplayCallback};

/// A replay callback's answer: the key was not remembered before; it is now.
pub const WXFACE_REPLAY_NEW: i32 = 1;
/// A replay callback's answer: the key was already remembered (a replay).
pub const WXFACE_REPLAY_SEEN: i32 = 2;

/// Remembers accepted verify_results in the integrator's own store (a
/// table in Oracle, SQL Server, DB2...) so every server sharing it refuses
/// a result another accepted. `key` (NUL-terminated, at most 200 ASCII
/// characters, valid only during the call) stands for one verify_result: a
/// digest under `state_key_prefix`, never the value itself. Remember it
/// for at least `ttl_s` seconds and return WXFACE_REPLAY_NEW if it was not
/// known, WXFACE_REPLAY_SEEN if it was. The check and the insert must be
/// one atomic step across all servers (an INSERT against a primary key,
/// where a duplicate-key error means SEEN). Any other return value (the
/// database is down, a timeout) fails the verification with
/// WXFACE_ERR_STATE_STORE: never OK. Called from the thread making the
/// call, possibly from several threads at once; it must be thread-safe and
/// should answer within your own timeout, wxface does not interrupt it.
pub type wxface_replay_callback = Option<
    unsafe extern "system" fn(user_data: *mut c_void, key: *const c_char, ttl_s: i64) -> i32,
>;

/// Keeps the replay guard in `callback` (see `wxface_replay_callback`) instead
/// of memory; NULL goes back to memory. Not together with a Redis `state_store`
/// (`wxface_client_new` then fails with WXFACE_ERR_CONFIG). Keys are scoped by
/// `state_key_prefix` (default `wxface:{appid}:`), so appid or state_key_prefix
/// must be set. `user_data` is handed back unchanged and must stay valid while
/// any client made from this configuration lives. Not thread-safe: one thread
/// per config, as for `wxface_config_set`. Codes: WXFACE_OK;
/// WXFACE_ERR_INVALID_ARGUMENT (`cfg` NULL). Never blocks.
#[no_mangle]
pub unsafe extern "system" fn wxface_config_set_replay_callback(
    cfg: *mut wxface_config,
    callback: wxface_replay_callback,
    user_data: *mut c_void,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: a live config per the header; NULL is checked.
        unsafe { config(cfg) }?.replay_callback =
            Callback::hold(callback, user_data).map(|c| c as Arc<dyn ReplayCallback>);
        Ok(())
    })
}

type ReplayFn = unsafe extern "system" fn(*mut c_void, *const c_char, i64) -> i32;

impl ReplayCallback for Callback<ReplayFn> {
    fn remember(&self, key: &str, ttl_s: u64) -> Result<Remembered> {
        let key = CString::new(key)
            .map_err(|_| Error::new(Code::Internal, "a replay key holds a NUL byte"))?;
        let ttl = i64::try_from(ttl_s).unwrap_or(i64::MAX);
        // SAFETY: `key` outlives the call; the callback's own safety is the
        // caller's contract (header).
        let answer = unsafe { (self.f)(self.user_data.0, key.as_ptr(), ttl) };
        match answer {
            WXFACE_REPLAY_NEW => Ok(Remembered::New),
            WXFACE_REPLAY_SEEN => Ok(Remembered::Seen),
            other => Err(Error::new(
                Code::StateStore,
                format!("replay callback returned {other}, neither WXFACE_REPLAY_NEW nor WXFACE_REPLAY_SEEN"),
            )),
        }
    }
}
