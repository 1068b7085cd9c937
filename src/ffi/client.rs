//! `wxface_client`: made from a configuration, shared by every thread.

use std::time::Duration;

use super::config::{config_ref, wxface_config};
use super::error::wxface_error;
use super::{answer_in, guard_value, object, respond, Out};
use crate::client::Client;
use crate::error::Result;

/// A client: safe to share between threads; every call blocks, bounded by
/// the configured timeouts. Free it with `wxface_client_free` once no
/// thread uses it.
pub struct wxface_client {
    pub(crate) inner: Client,
}

impl From<Client> for wxface_client {
    fn from(inner: Client) -> wxface_client {
        wxface_client { inner }
    }
}

/// Makes a client from `cfg` (copied: later changes to `cfg` do not affect
/// it). WXFACE_ERR_CONFIG if credentials are missing or a file (ca_file)
/// cannot be read. No network traffic happens here.
#[no_mangle]
pub unsafe extern "system" fn wxface_client_new(
    cfg: *const wxface_config,
    out: *mut *mut wxface_client,
    err: *mut wxface_error,
) -> i32 {
    respond(err, Out::required(out, "out"), || {
        // SAFETY: a live config per the header; NULL is checked.
        Client::new(unsafe { config_ref(cfg)? })
    })
}

/// A second handle on the same client (same tokens, connections and replay
/// guard) whose calls wait at most `timeout_ms` per attempt, and never longer
/// than the configured `timeout_ms`: for callers with a deadline (Go
/// contexts). Free it like any client.
#[no_mangle]
pub unsafe extern "system" fn wxface_client_with_timeout(
    c: *const wxface_client,
    timeout_ms: u32,
    out: *mut *mut wxface_client,
    err: *mut wxface_error,
) -> i32 {
    respond(err, Out::required(out, "out"), || {
        // SAFETY: a live client per the header; NULL is checked.
        unsafe { client(c) }?.with_timeout(Duration::from_millis(u64::from(timeout_ms)))
    })
}

/// Frees a client; NULL is fine. No other thread may be using it.
#[no_mangle]
pub unsafe extern "system" fn wxface_client_free(client: *mut wxface_client) {
    // SAFETY: from wxface_client_new, freed once (header contract).
    guard_value(|| unsafe { super::free(client) })
}

/// The core client behind a required `wxface_client *`.
pub(crate) unsafe fn client<'a>(c: *const wxface_client) -> Result<&'a Client> {
    // SAFETY: forwarded contract, see `object`.
    let c = unsafe { object(c, "client") }.map(|c| &c.inner)?;
    answer_in(c.output_encoding());
    Ok(c)
}
