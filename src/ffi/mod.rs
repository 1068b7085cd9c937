//! The C ABI: thin and boring. Each function converts its arguments and
//! makes one call of the safe core through the boundary ([`respond`] for
//! functions that hand back an object, [`guard`] or [`guard_value`] for the
//! rest); the boundary checks `out`, fills `wxface_error` and catches any
//! panic. Input rules (empty strings, zero timeouts) live in the core, so
//! Rust callers get them too.
//!
//! Every exported function is `extern "system"` (`WXFACE_CALL` in the
//! header: stdcall on 32-bit Windows, C elsewhere) and its body is one call
//! of a guard from [`boundary`], so no Rust panic ever crosses into C.
//!
//! Arguments are converted one per `let` (or inline), inside the one
//! `unsafe` block of the export, by the functions below: each checks NULL
//! and names the parameter in its error.

#![allow(non_camel_case_types)]
// Every pointer argument is checked for NULL before use; the remaining
// contract (valid, NUL-terminated, live) is the caller's, as stated in the header.
#![allow(clippy::missing_safety_doc)]

use std::borrow::Cow;
use std::ffi::{c_char, CStr};

use crate::error::{Code, Error, Result};
use crate::text::TextEncoding;

pub mod audit;
mod boundary;
pub mod client;
pub mod config;
pub mod error;
pub mod helpers;
pub mod push;
pub mod replay;
pub mod response;
pub mod stats;
pub mod v1;
pub mod v2;
pub mod version;

pub(crate) use boundary::{answer_encoding, answer_in, guard, guard_value, respond, Out};

/// The bytes of a required C string.
unsafe fn c_bytes<'a>(p: *const c_char, what: &str) -> Result<&'a [u8]> {
    if p.is_null() {
        return Err(Error::invalid_argument(what, "is NULL"));
    }
    // SAFETY: non-NULL, and the header requires a NUL-terminated string that
    // outlives the call.
    Ok(unsafe { CStr::from_ptr(p) }.to_bytes())
}

/// A required UTF-8 C string.
pub(crate) unsafe fn utf8<'a>(p: *const c_char, what: &str) -> Result<&'a str> {
    // SAFETY: forwarded contract, see `c_bytes`.
    let b = unsafe { c_bytes(p, what) }?;
    std::str::from_utf8(b)
        .map_err(|_| Error::new(Code::InvalidEncoding, format!("{what}: not valid UTF-8")))
}

/// A required C string in the client's input encoding (GBK for legacy HIS);
/// valid UTF-8 is borrowed for the call, not copied.
pub(crate) unsafe fn text<'a>(
    p: *const c_char,
    what: &str,
    enc: TextEncoding,
) -> Result<Cow<'a, str>> {
    // SAFETY: forwarded contract, see `c_bytes`.
    enc.decode(unsafe { c_bytes(p, what) }?, what)
}

/// An optional one: NULL is None.
pub(crate) unsafe fn opt_text<'a>(
    p: *const c_char,
    what: &str,
    enc: TextEncoding,
) -> Result<Option<Cow<'a, str>>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract, see `c_bytes`.
    unsafe { text(p, what, enc) }.map(Some)
}

/// A required buffer of `len` bytes (may hold NULs).
pub(crate) unsafe fn sized<'a>(p: *const c_char, len: usize, what: &str) -> Result<&'a [u8]> {
    if p.is_null() {
        return Err(Error::invalid_argument(what, "is NULL"));
    }
    // SAFETY: non-NULL; the header requires `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) })
}

/// A required reference to an opaque object.
pub(crate) unsafe fn object<'a, T>(p: *const T, what: &str) -> Result<&'a T> {
    // SAFETY: NULL is checked by `as_ref`; non-NULL pointers came from our
    // `_new` functions and the caller has not freed them (header contract).
    unsafe { p.as_ref() }.ok_or_else(|| Error::invalid_argument(what, "is NULL"))
}

/// A required object to change.
pub(crate) unsafe fn object_mut<'a, T>(p: *mut T, what: &str) -> Result<&'a mut T> {
    // SAFETY: as `object`; the header gives this call the object alone.
    unsafe { p.as_mut() }.ok_or_else(|| Error::invalid_argument(what, "is NULL"))
}

/// Writes `s` and a NUL into a caller buffer of `cap` bytes.
pub(crate) unsafe fn write_c(out: *mut c_char, cap: usize, s: &str, what: &str) -> Result<()> {
    if out.is_null() {
        return Err(Error::invalid_argument(what, "is NULL"));
    }
    debug_assert!(s.len() < cap && !s.contains('\0'));
    // SAFETY: the header requires `out` to hold `cap` bytes; `s.len() < cap`
    // for every caller (fixed-length hex and ID strings).
    unsafe {
        std::ptr::copy_nonoverlapping(s.as_ptr().cast::<c_char>(), out, s.len());
        *out.add(s.len()) = 0;
    }
    Ok(())
}

/// Frees an object made by `Box::into_raw`; NULL is fine.
pub(crate) unsafe fn free<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: non-NULL pointers given to `_free` came from `respond` or
        // a `_new` function and are freed once (header contract).
        drop(unsafe { Box::from_raw(p) });
    }
}
