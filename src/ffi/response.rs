//! `wxface_response`: the fields of an answer or a push event, read by
//! WeChat's names.

use std::ffi::{c_char, CString};

use zeroize::Zeroize;

use super::error::wxface_error;
use super::{guard, guard_value, object, utf8};
use crate::error::{Code, Error};
use crate::response::{Response, Value};

struct Field {
    name: CString,
    /// None when the value holds a NUL byte and so cannot be a C string,
    /// or is binary.
    text: Option<CString>,
    int: Option<i64>,
    /// Every value's exact bytes: binary data (the getimage photo) as is,
    /// text as UTF-8 with any NUL it holds, integers as decimal.
    bytes: Vec<u8>,
}

/// Read-only once made, so it may be read from several threads at once.
pub struct wxface_response {
    fields: Vec<Field>,
}

impl wxface_response {
    pub(crate) fn from_core(r: &Response) -> wxface_response {
        let fields = r
            .fields()
            .filter_map(|(name, value)| {
                let name = CString::new(name).ok()?;
                let (text, int, bytes) = match value {
                    Value::Int(i) => (
                        CString::new(i.to_string()).ok(),
                        Some(*i),
                        i.to_string().into_bytes(),
                    ),
                    Value::Text(s) | Value::Json(s) => (
                        CString::new(s.as_str()).ok(),
                        r.int(name.to_str().unwrap_or_default()),
                        s.as_bytes().to_vec(),
                    ),
                    Value::Bytes(b) => (None, None, b.clone()),
                };
                Some(Field {
                    name,
                    text,
                    int,
                    bytes,
                })
            })
            .collect();
        wxface_response { fields }
    }

    fn find(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.name.as_bytes() == name.as_bytes())
    }
}

impl Drop for wxface_response {
    // Responses carry verify_result and openid: wipe them.
    fn drop(&mut self) {
        for f in self.fields.drain(..) {
            if let Some(t) = f.text {
                t.into_bytes().zeroize();
            }
            let mut b = f.bytes;
            b.zeroize();
        }
    }
}

/// The field as text (integers as decimal), or NULL if absent (or `r` or
/// `field` is NULL). Also NULL for a value that is no C string: binary data
/// (the getimage `image`) or text holding a NUL byte; read those with
/// `wxface_response_bytes`. Valid until `wxface_response_free(r)`.
#[no_mangle]
pub unsafe extern "system" fn wxface_response_str(
    r: *const wxface_response,
    field: *const c_char,
) -> *const c_char {
    guard_value(|| {
        // SAFETY: NULL-checked; live objects and C strings per the header.
        let (Ok(r), Ok(field)) = (unsafe { object(r, "r") }, unsafe { utf8(field, "field") })
        else {
            return std::ptr::null_mut();
        };
        r.find(field)
            .and_then(|f| f.text.as_ref())
            .map_or(std::ptr::null_mut(), |t| t.as_ptr().cast_mut())
    })
}

/// The field as an integer (WeChat's numbers, or text holding one, as in
/// XML pushes). WXFACE_ERR_NOT_FOUND if absent or not a whole number.
#[no_mangle]
pub unsafe extern "system" fn wxface_response_int(
    r: *const wxface_response,
    field: *const c_char,
    out: *mut i64,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: NULL-checked; live objects and C strings per the header.
        let (r, name) = unsafe { (object(r, "r")?, utf8(field, "field")?) };
        if out.is_null() {
            return Err(Error::invalid_argument("out", "is NULL"));
        }
        let v = r.find(name).and_then(|f| f.int).ok_or_else(|| {
            Error::new(
                Code::NotFound,
                format!("no integer field `{}`", printable(name)),
            )
        })?;
        // SAFETY: checked for NULL above.
        unsafe { *out = v };
        Ok(())
    })
}

/// The field's exact bytes, for every field: binary fields (`image` from
/// the getimage calls) as they are, text as UTF-8 including any NUL byte
/// it holds (such text reads as NULL from `wxface_response_str`), integers
/// as decimal; no terminating NUL is counted in `*len`. `*data` stays
/// valid until `wxface_response_free(r)`. WXFACE_ERR_NOT_FOUND if absent.
#[no_mangle]
pub unsafe extern "system" fn wxface_response_bytes(
    r: *const wxface_response,
    field: *const c_char,
    data: *mut *const u8,
    len: *mut usize,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: NULL-checked; live objects and C strings per the header.
        let (r, name) = unsafe { (object(r, "r")?, utf8(field, "field")?) };
        if data.is_null() || len.is_null() {
            return Err(Error::invalid_argument(
                if data.is_null() { "data" } else { "len" },
                "is NULL",
            ));
        }
        let slice: &[u8] = match r.find(name) {
            Some(f) => &f.bytes,
            None => {
                return Err(Error::new(
                    Code::NotFound,
                    format!("no field `{}`", printable(name)),
                ))
            }
        };
        // SAFETY: both checked for NULL above; the slice lives as long as `r`.
        unsafe {
            *data = slice.as_ptr();
            *len = slice.len();
        }
        Ok(())
    })
}

/// How many fields the response has (0 for NULL).
#[no_mangle]
pub unsafe extern "system" fn wxface_response_count(r: *const wxface_response) -> usize {
    guard_value(|| {
        // SAFETY: NULL-checked; a live response per the header.
        unsafe { object(r, "r") }.map_or(0, |r| r.fields.len())
    })
}

/// The name of field `index` (0-based, in WeChat's order), or NULL if out
/// of range. Valid until `wxface_response_free(r)`.
#[no_mangle]
pub unsafe extern "system" fn wxface_response_field_name(
    r: *const wxface_response,
    index: usize,
) -> *const c_char {
    guard_value(|| {
        // SAFETY: NULL-checked; a live response per the header.
        unsafe { object(r, "r") }
            .ok()
            .and_then(|r| r.fields.get(index))
            .map_or(std::ptr::null(), |f| f.name.as_ptr())
    })
}

/// Frees a response; NULL is fine.
#[no_mangle]
pub unsafe extern "system" fn wxface_response_free(r: *mut wxface_response) {
    // SAFETY: from a wxface call, freed once (header contract).
    guard_value(|| unsafe { super::free(r) })
}

fn printable(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_bytes(r: &wxface_response, field: &str) -> (i32, Vec<u8>) {
        let name = CString::new(field).unwrap();
        let (mut data, mut len) = (std::ptr::null(), 0usize);
        // SAFETY: live response, C string and out-pointers; err may be NULL.
        let rc = unsafe {
            wxface_response_bytes(r, name.as_ptr(), &mut data, &mut len, std::ptr::null_mut())
        };
        let bytes = if rc == 0 {
            // SAFETY: on success data points at len bytes owned by `r`.
            unsafe { std::slice::from_raw_parts(data, len) }.to_vec()
        } else {
            vec![]
        };
        (rc, bytes)
    }

    #[test]
    fn bytes_gives_text_holding_a_nul_that_str_cannot() {
        let core = Response::from_json(br#"{"errmsg":"o\u0000k","errcode":0,"f":1.5}"#).unwrap();
        let r = wxface_response::from_core(&core);
        assert_eq!(read_bytes(&r, "errmsg"), (0, b"o\0k".to_vec()));
        let name = CString::new("errmsg").unwrap();
        // SAFETY: live response and C string.
        assert!(unsafe { wxface_response_str(&r, name.as_ptr()) }.is_null());
        assert_eq!(read_bytes(&r, "errcode"), (0, b"0".to_vec()));
        assert_eq!(read_bytes(&r, "f"), (0, b"1.5".to_vec()));
        assert_eq!(read_bytes(&r, "absent").0, Code::NotFound as i32);
    }
}
