//! Library version.

use std::ffi::c_char;

use super::guard_value;

/// "MAJOR.MINOR.PATCH" of the loaded library; compare with the header's
/// `WXFACE_VERSION` to catch a header/library mix-up (before 1.0, MAJOR.MINOR
/// must match). Static, never NULL, never freed; never blocks; any thread.
#[no_mangle]
pub extern "system" fn wxface_version() -> *const c_char {
    guard_value(|| {
        static V: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
        V.as_ptr().cast()
    })
}
