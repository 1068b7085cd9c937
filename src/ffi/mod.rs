//! The C ABI: thin and boring. Each function converts its arguments, calls
//! the safe core, and fills `wxface_error`. Nothing else happens here.
//!
//! Every exported function is `extern "system"` (`WXFACE_CALL` in the
//! header: stdcall on 32-bit Windows, C elsewhere) and its body is one call
//! of a guard from [`boundary`], so no Rust panic ever crosses into C.

#![allow(non_camel_case_types)]
// Every pointer argument is checked for NULL before use; the remaining
// contract (valid, NUL-terminated, live) is the caller's, as stated in the header.
#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, CStr};

use crate::error::{Code, Error, Result};
use crate::text::InputEncoding;

mod boundary;
pub mod client;
pub mod config;
pub mod error;
pub mod helpers;
pub mod push;
pub mod replay;
pub mod response;
pub mod v1;
pub mod v2;
pub mod version;

pub(crate) use boundary::{guard, guard_value};

/// The bytes of a required C string.
pub(crate) unsafe fn bytes<'a>(p: *const c_char, what: &str) -> Result<&'a [u8]> {
    if p.is_null() {
        return Err(Error::invalid_argument(what, "is NULL"));
    }
    // SAFETY: non-NULL, and the header requires a NUL-terminated string that
    // outlives the call.
    Ok(unsafe { CStr::from_ptr(p) }.to_bytes())
}

/// A required UTF-8 C string.
pub(crate) unsafe fn utf8<'a>(p: *const c_char, what: &str) -> Result<&'a str> {
    // SAFETY: forwarded contract, see `bytes`.
    let b = unsafe { bytes(p, what) }?;
    std::str::from_utf8(b)
        .map_err(|_| Error::new(Code::InvalidEncoding, format!("{what}: not valid UTF-8")))
}

/// A required C string in the client's input encoding (GBK for legacy HIS).
pub(crate) unsafe fn text(p: *const c_char, what: &str, enc: InputEncoding) -> Result<String> {
    // SAFETY: forwarded contract, see `bytes`.
    enc.decode(unsafe { bytes(p, what) }?, what)
}

/// Several required C strings at once, in the client's input encoding.
pub(crate) unsafe fn texts<const N: usize>(
    args: [(*const c_char, &str); N],
    enc: InputEncoding,
) -> Result<[String; N]> {
    let mut out: [String; N] = std::array::from_fn(|_| String::new());
    for (slot, (p, what)) in out.iter_mut().zip(args) {
        // SAFETY: forwarded contract, see `bytes`.
        *slot = unsafe { text(p, what, enc) }?;
    }
    Ok(out)
}

/// An optional one: NULL is None.
pub(crate) unsafe fn opt_text(
    p: *const c_char,
    what: &str,
    enc: InputEncoding,
) -> Result<Option<String>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract, see `bytes`.
    unsafe { text(p, what, enc) }.map(Some)
}

/// A required reference to an opaque object.
pub(crate) unsafe fn object<'a, T>(p: *const T, what: &str) -> Result<&'a T> {
    // SAFETY: NULL is checked by `as_ref`; non-NULL pointers came from our
    // `_new` functions and the caller has not freed them (header contract).
    unsafe { p.as_ref() }.ok_or_else(|| Error::invalid_argument(what, "is NULL"))
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

/// Stores a new object into a caller's out-pointer. Out-parameters are
/// written only on success.
pub(crate) unsafe fn put<T>(out: *mut *mut T, value: T) {
    // SAFETY: callers check `out` for NULL before doing any work.
    unsafe { *out = Box::into_raw(Box::new(value)) };
}

/// Checks a required out-pointer before any work is done.
pub(crate) fn need_out<T>(out: *mut *mut T, what: &str) -> Result<()> {
    if out.is_null() {
        Err(Error::invalid_argument(what, "is NULL"))
    } else {
        Ok(())
    }
}

/// Frees an object made by `Box::into_raw`; NULL is fine.
pub(crate) unsafe fn free<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: non-NULL pointers given to `_free` came from `put` or a
        // `_new` function and are freed once (header contract).
        drop(unsafe { Box::from_raw(p) });
    }
}
