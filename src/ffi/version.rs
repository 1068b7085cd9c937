//! Library version.

use std::ffi::c_char;

/// "MAJOR.MINOR.PATCH" of the loaded library; compare with the header's
/// `WXFACE_VERSION` to catch a header/library mix-up. Static; never NULL.
#[no_mangle]
pub extern "C" fn wxface_version() -> *const c_char {
    static V: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    V.as_ptr().cast()
}
