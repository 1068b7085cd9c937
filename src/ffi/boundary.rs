//! The one panic boundary. Every exported function's body is a single call
//! of [`respond`] (functions that hand back an object through `out`),
//! [`guard`] (the other functions that return a code and take a
//! `wxface_error`) or [`guard_value`] (those that return a pointer, a size
//! or nothing), so no
//! Rust panic ever unwinds into C, Java or Go: with `extern "system"` that
//! would be undefined behaviour, or an abort of the host process on newer
//! Rust. `tests/panic_boundary.rs` reads the sources and fails for an
//! export that does not go through here.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe, Location};

use super::error::{self, wxface_error};
use crate::error::{Code, Error, Result};
use crate::text::TextEncoding;

thread_local! {
    /// The encoding the current call answers in: its error message, the
    /// text of the response it makes and the log lines it passes to the
    /// log callback (`text_encoding`, for GBK programs). It belongs to the
    /// call like `err` does: [`guard`] starts every call in UTF-8 and puts
    /// back the outer call's value when a callback re-enters the library;
    /// the conversion that finds the client or configuration the call works
    /// on sets it ([`answer_in`]), so no export can forget it.
    static ANSWER: Cell<TextEncoding> = const { Cell::new(TextEncoding::Utf8) };
}

/// From here on, the current call answers in `enc`.
pub(crate) fn answer_in(enc: TextEncoding) {
    ANSWER.with(|a| a.set(enc));
}

/// The encoding the current call answers in (UTF-8 outside a call).
pub(crate) fn answer_encoding() -> TextEncoding {
    ANSWER.with(Cell::get)
}

/// What a function without a result code gives back after a caught panic:
/// NULL, 0 or nothing, each already the header's "no value".
pub(crate) trait OnPanic {
    fn on_panic() -> Self;
}

impl<T> OnPanic for *const T {
    fn on_panic() -> Self {
        std::ptr::null()
    }
}

impl<T> OnPanic for *mut T {
    fn on_panic() -> Self {
        std::ptr::null_mut()
    }
}

impl OnPanic for usize {
    fn on_panic() -> Self {
        0
    }
}

impl OnPanic for () {
    fn on_panic() -> Self {}
}

/// Runs `f`; its error, or a panic as `WXFACE_ERR_INTERNAL`, becomes the
/// returned code and fills `err` (cleared on success).
#[track_caller]
pub(crate) fn guard(err: *mut wxface_error, f: impl FnOnce() -> Result<()>) -> i32 {
    let at = Location::caller();
    let outer = ANSWER.with(|a| a.replace(TextEncoding::Utf8));
    let outcome = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(panicked(at)));
    let code = match outcome {
        Ok(()) => {
            error::clear(err);
            Code::Ok as i32
        }
        Err(e) => failed(err, &e),
    };
    answer_in(outer);
    code
}

/// The code of a failed call, after filling `err`; out of line, so that
/// every export's success path stays short.
#[cold]
#[inline(never)]
fn failed(err: *mut wxface_error, e: &Error) -> i32 {
    crate::log::record_error(e);
    error::fill(err, e, answer_encoding());
    e.code as i32
}

/// Where an export hands back the object it makes: the caller's `out`.
pub(crate) struct Out<T> {
    ptr: *mut *mut T,
    name: &'static str,
    required: bool,
}

impl<T> Out<T> {
    /// NULL is WXFACE_ERR_INVALID_ARGUMENT naming `name`, before any work.
    pub(crate) fn required(ptr: *mut *mut T, name: &'static str) -> Out<T> {
        Out {
            ptr,
            name,
            required: true,
        }
    }

    /// NULL: the caller wants the code only, and the object is dropped.
    pub(crate) fn optional(ptr: *mut *mut T) -> Out<T> {
        Out {
            ptr,
            name: "out",
            required: false,
        }
    }
}

/// [`guard`] for an export that makes an object: checks `out`, runs `f`
/// (argument conversion and one call of the core) and, on success only,
/// stores what `f` made, turned into its C type, into `*out`.
#[track_caller]
pub(crate) fn respond<T, V: Into<T>>(
    err: *mut wxface_error,
    out: Out<T>,
    f: impl FnOnce() -> Result<V>,
) -> i32 {
    guard(err, || {
        if out.required && out.ptr.is_null() {
            return Err(Error::invalid_argument(out.name, "is NULL"));
        }
        let value = f()?;
        if !out.ptr.is_null() {
            // SAFETY: a non-NULL out-pointer from the caller, writable per
            // the header; written only on success.
            unsafe { *out.ptr = Box::into_raw(Box::new(value.into())) };
        }
        Ok(())
    })
}

/// Runs `f`, which has no code to report a failure with: a panic gives
/// [`OnPanic::on_panic`] and a line in the diagnostic log.
#[track_caller]
pub(crate) fn guard_value<T: OnPanic>(f: impl FnOnce() -> T) -> T {
    let at = Location::caller();
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        crate::log::record_error(&panicked(at));
        T::on_panic()
    })
}

/// Names the export (by its source line) so that a report can be acted on.
#[cold]
#[inline(never)]
fn panicked(at: &Location<'_>) -> Error {
    Error::new(
        Code::Internal,
        format!(
            "internal panic caught at the C boundary ({}:{}); please report it",
            at.file(),
            at.line()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn a_panic_under_guard_is_internal_with_where_it_was_caught() {
        let mut err: wxface_error = unsafe { std::mem::zeroed() };
        let rc = guard(&mut err, || panic!("a bug"));
        assert_eq!(
            (rc, err.code),
            (Code::Internal as i32, Code::Internal as i32)
        );
        let message = unsafe { CStr::from_ptr(err.message.as_ptr()) }
            .to_str()
            .unwrap();
        assert!(message.contains("src/ffi/boundary.rs:"), "{message}");
    }

    #[test]
    fn a_panic_under_guard_value_is_the_header_s_no_value() {
        assert!(guard_value::<*const u8>(|| panic!("a bug")).is_null());
        assert!(guard_value::<*mut u8>(|| panic!("a bug")).is_null());
        assert_eq!(guard_value::<usize>(|| panic!("a bug")), 0);
        guard_value::<()>(|| panic!("a bug"));
    }

    #[test]
    fn respond_writes_out_only_on_success_and_refuses_a_null_required_out() {
        let mut err: wxface_error = unsafe { std::mem::zeroed() };
        let mut out: *mut u32 = std::ptr::null_mut();
        let rc = respond(&mut err, Out::required(&mut out, "out"), || {
            Err::<u32, _>(Error::new(Code::NotFound, "no"))
        });
        assert_eq!((rc, out.is_null()), (Code::NotFound as i32, true));
        let rc = respond(&mut err, Out::required(&mut out, "out"), || Ok(7u32));
        assert_eq!((rc, unsafe { *out }), (0, 7));
        unsafe { super::super::free(out) };
        let rc = respond(
            &mut err,
            Out::<u32>::required(std::ptr::null_mut(), "event"),
            || -> Result<u32> { panic!("must not run") },
        );
        assert_eq!(rc, Code::InvalidArgument as i32);
        let rc = respond(&mut err, Out::<u32>::optional(std::ptr::null_mut()), || {
            Ok(1u32)
        });
        assert_eq!(rc, 0);
    }

    #[test]
    fn without_a_panic_the_guards_pass_values_and_errors_through() {
        let mut err: wxface_error = unsafe { std::mem::zeroed() };
        assert_eq!(guard(&mut err, || Ok(())), 0);
        let rc = guard(&mut err, || Err(Error::new(Code::NotFound, "no field")));
        assert_eq!(
            (rc, err.code),
            (Code::NotFound as i32, Code::NotFound as i32)
        );
        assert_eq!(guard_value(|| 7usize), 7);
    }
}
