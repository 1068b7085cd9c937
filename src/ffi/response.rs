//! `wxface_response`: the fields of an answer or a push event, read by
//! WeChat's names.

use std::ffi::{c_char, CString};
use std::sync::OnceLock;

use zeroize::Zeroize;

use super::error::wxface_error;
use super::{answer_encoding, guard, guard_value, object, object_mut, utf8};
use crate::error::{Code, Error, Result};
use crate::mask;
use crate::response::{Response, Value};
use crate::text::TextEncoding;

struct Field {
    name: CString,
    /// The value's exact bytes: binary data (the getimage photo) as it
    /// arrived, text in `text_encoding` with any NUL it holds, integers as decimal;
    /// text and integers are followed by a NUL not counted in `len`.
    data: Vec<u8>,
    len: usize,
    /// Text holding no NUL of its own, readable as a C string.
    c_text: bool,
    int: Option<i64>,
}

impl Field {
    fn bytes(&self) -> &[u8] {
        &self.data[..self.len]
    }
}

/// The fields of an answer or a push, made by the calls that hand one back
/// through `out` (or `event`); yours: free it with `wxface_response_free`.
/// Read-only once made, so it may be read from several threads at once.
pub struct wxface_response {
    fields: Vec<Field>,
    /// `wxface_response_texts`'s block, made on its first call: a binding
    /// that copies every field pays one crossing instead of two a field.
    texts: OnceLock<Vec<u8>>,
}

impl From<Response> for wxface_response {
    /// Takes the values over: text gains its NUL in place when the
    /// allocation has room, and binary data is moved, never copied.
    /// Text is handed back in the answer encoding of the call that made
    /// the response (`text_encoding`).
    fn from(r: Response) -> wxface_response {
        let enc = answer_encoding();
        // The UTF-8 original of re-encoded text is wiped like the rest.
        let encoded = |s: String| match enc {
            TextEncoding::Utf8 => s.into_bytes(),
            _ => {
                let bytes = enc.encode(&s).into_owned();
                s.into_bytes().zeroize();
                bytes
            }
        };
        let fields = r
            .into_fields()
            .filter_map(|(name, value)| {
                let name = CString::new(name).ok()?;
                let (bytes, int, text) = match value {
                    Value::Int(i) => (i.to_string().into_bytes(), Some(i), true),
                    Value::Text(s) => {
                        let int = s.trim().parse().ok();
                        (encoded(s), int, true)
                    }
                    Value::Json(s) => (encoded(s), None, true),
                    Value::Bytes(b) => (b, None, false),
                };
                let len = bytes.len();
                let c_text = text && !bytes.contains(&0);
                let data = if text { nul_terminated(bytes) } else { bytes };
                Some(Field {
                    name,
                    data,
                    len,
                    c_text,
                    int,
                })
            })
            .collect();
        wxface_response {
            fields,
            texts: OnceLock::new(),
        }
    }
}

impl wxface_response {
    /// name NUL text NUL for every field with a C-string form, in order.
    fn texts(&self) -> &[u8] {
        self.texts.get_or_init(|| {
            let texts = || self.fields.iter().filter(|f| f.c_text);
            let size = texts().map(|f| f.name.as_bytes().len() + f.len + 2).sum();
            let mut block = Vec::with_capacity(size);
            for f in texts() {
                block.extend_from_slice(f.name.as_bytes_with_nul());
                // A C-text value is followed by its NUL in `data`.
                block.extend_from_slice(&f.data[..=f.len]);
            }
            block
        })
    }

    fn find(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.name.as_bytes() == name.as_bytes())
    }
}

/// `bytes` and a NUL, in the same allocation when it has room; otherwise
/// the old one is wiped before it is freed (it may hold a verify_result).
fn nul_terminated(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.capacity() > bytes.len() {
        bytes.push(0);
        return bytes;
    }
    let mut data = Vec::with_capacity(bytes.len() + 1);
    data.extend_from_slice(&bytes);
    data.push(0);
    bytes.zeroize();
    data
}

impl Drop for wxface_response {
    // Responses carry verify_result, openid and the photo: wipe them.
    fn drop(&mut self) {
        for f in &mut self.fields {
            f.data.zeroize();
        }
        if let Some(block) = self.texts.get_mut() {
            block.zeroize();
        }
    }
}

/// The field as text in `text_encoding` (UTF-8 by default; integers as
/// decimal), or NULL if absent (or `r` or `field` is NULL). Also NULL for a
/// value that is no C string: binary data (the getimage `image`) or text
/// holding a NUL byte; read those with `wxface_response_bytes`. The text is
/// `r`'s (NUL-terminated): valid until `wxface_response_free(r)`, never free
/// it. Never blocks; any number of
/// threads may read one response at once.
#[no_mangle]
pub unsafe extern "system" fn wxface_response_str(
    r: *const wxface_response,
    field: *const c_char,
) -> *const c_char {
    guard_value(|| {
        // SAFETY: a live response and a NUL-terminated string per the
        // header; each conversion checks NULL.
        let field = unsafe { find(r, field) }.ok();
        field
            .filter(|f| f.c_text)
            .map_or(std::ptr::null(), |f| f.data.as_ptr().cast())
    })
}

/// The field as an integer into `*out` (WeChat's numbers, or text holding one,
/// as in XML pushes). Codes: WXFACE_OK; WXFACE_ERR_INVALID_ARGUMENT (`r`,
/// `field` or `out` NULL); WXFACE_ERR_NOT_FOUND (absent or not a whole number).
/// Never blocks; any number of threads may read one response at once.
#[no_mangle]
pub unsafe extern "system" fn wxface_response_int(
    r: *const wxface_response,
    field: *const c_char,
    out: *mut i64,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: a live response, a NUL-terminated string and a writable
        // `out` per the header; each conversion checks NULL.
        unsafe {
            let out = object_mut(out, "out")?;
            let f = find(r, field)?;
            *out = f
                .int
                .ok_or_else(|| not_found("no integer field", f.name.as_bytes()))?;
        }
        Ok(())
    })
}

/// The field's exact bytes, for every field: binary fields (`image` from
/// getimage) as they are, text in `text_encoding` (UTF-8 by default)
/// including any NUL byte it holds (such text reads as NULL from
/// `wxface_response_str`), integers as decimal; no terminating NUL is
/// counted in `*len`. `*data` is `r`'s: valid until
/// `wxface_response_free(r)`, never free it. Codes: WXFACE_OK;
/// WXFACE_ERR_INVALID_ARGUMENT (a NULL argument); WXFACE_ERR_NOT_FOUND
/// (absent). Never blocks; any number of threads may read one response at
/// once.
#[no_mangle]
pub unsafe extern "system" fn wxface_response_bytes(
    r: *const wxface_response,
    field: *const c_char,
    data: *mut *const u8,
    len: *mut usize,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: a live response, a NUL-terminated string and writable
        // `data` and `len` per the header; each conversion checks NULL. The
        // bytes live as long as `r`.
        unsafe {
            let (data, len) = (object_mut(data, "data")?, object_mut(len, "len")?);
            let bytes = find(r, field)?.bytes();
            (*data, *len) = (bytes.as_ptr(), bytes.len());
        }
        Ok(())
    })
}

/// Every field that has a C-string form (those `wxface_response_str`
/// gives), in WeChat's order, in one block: `name NUL value NUL name NUL
/// value NUL ...`, values in the same encoding as `wxface_response_str`
/// gives them (`text_encoding`); `*len` counts every byte, the last NUL
/// included (0 for a response without such fields: then `*data` must not
/// be read). Fields without one (the getimage photo, text holding a NUL)
/// are left out: when the pairs number fewer than
/// `wxface_response_count`, name the others with
/// `wxface_response_field_name` and read them with
/// `wxface_response_bytes`. For bindings that copy a whole answer: one
/// call instead of two a field. Made on the first call,
/// read-only then (several threads may call it at once); `*data` stays
/// valid until `wxface_response_free(r)`. WXFACE_ERR_INVALID_ARGUMENT for
/// a NULL argument. Never blocks.
#[no_mangle]
pub unsafe extern "system" fn wxface_response_texts(
    r: *const wxface_response,
    data: *mut *const c_char,
    len: *mut usize,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: a live response and writable `data` and `len` per the
        // header; each conversion checks NULL. The block lives as long as `r`.
        unsafe {
            let (data, len) = (object_mut(data, "data")?, object_mut(len, "len")?);
            let block = object(r, "r")?.texts();
            (*data, *len) = (block.as_ptr().cast(), block.len());
        }
        Ok(())
    })
}

/// How many fields the response has (0 for NULL). Never blocks; any number of
/// threads may read one response at once.
#[no_mangle]
pub unsafe extern "system" fn wxface_response_count(r: *const wxface_response) -> usize {
    guard_value(|| {
        // SAFETY: NULL-checked; a live response per the header.
        unsafe { object(r, "r") }.map_or(0, |r| r.fields.len())
    })
}

/// The name of field `index` (0-based, in WeChat's order), or NULL if out of
/// range or `r` is NULL. The name is `r`'s: valid until
/// `wxface_response_free(r)`, never free it. Never blocks; any number of
/// threads may read one response at once.
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

/// Frees a response, wiping its values (they may be personal data); NULL is
/// fine. No other thread may be reading it. Never blocks.
#[no_mangle]
pub unsafe extern "system" fn wxface_response_free(r: *mut wxface_response) {
    // SAFETY: from a wxface call, freed once (header contract).
    guard_value(|| unsafe { super::free(r) })
}

/// The field named by a required `field` of a required response;
/// WXFACE_ERR_NOT_FOUND if it has none of that name.
unsafe fn find<'a>(r: *const wxface_response, field: *const c_char) -> Result<&'a Field> {
    // SAFETY: forwarded contract, see `object` and `utf8`.
    let (r, name) = unsafe { (object(r, "r")?, utf8(field, "field")?) };
    r.find(name)
        .ok_or_else(|| not_found("no field", name.as_bytes()))
}

fn not_found(what: &str, name: &[u8]) -> Error {
    Error::new(
        Code::NotFound,
        format!(
            "{what} {}",
            mask::field_name(&String::from_utf8_lossy(name))
        ),
    )
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
    fn the_photo_is_moved_into_the_c_response_not_copied() {
        let photo = vec![0xFFu8; 1 << 20];
        let at = photo.as_ptr();
        let mut core = Response::new();
        core.set("image", Value::Bytes(photo));
        let r = wxface_response::from(core);
        let name = CString::new("image").unwrap();
        let (mut data, mut len) = (std::ptr::null(), 0usize);
        // SAFETY: live response, C string and out-pointers; err may be NULL.
        let rc = unsafe {
            wxface_response_bytes(&r, name.as_ptr(), &mut data, &mut len, std::ptr::null_mut())
        };
        assert_eq!((rc, data, len), (0, at, 1 << 20));
    }

    fn read_texts(r: &wxface_response) -> Vec<u8> {
        let (mut data, mut len) = (std::ptr::null(), 0usize);
        // SAFETY: live response and out-pointers; err may be NULL.
        let rc = unsafe { wxface_response_texts(r, &mut data, &mut len, std::ptr::null_mut()) };
        assert_eq!(rc, 0);
        if len == 0 {
            return vec![];
        }
        // SAFETY: on success data points at len bytes owned by `r`.
        unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) }.to_vec()
    }

    #[test]
    fn texts_pairs_every_c_text_field_in_order_and_leaves_out_the_rest() {
        let mut core =
            Response::from_json(br#"{"errcode":0,"errmsg":"o\u0000k","openid":"o1","n":1.5}"#)
                .unwrap();
        core.set("image", Value::Bytes(vec![0xFF, 0, 0xD8]));
        let r = wxface_response::from(core);
        assert_eq!(
            read_texts(&r),
            b"errcode\x000\0openid\0o1\0n\x001.5\0".to_vec()
        );
        // Made once: a second call gives the same block.
        assert_eq!(read_texts(&r), read_texts(&r));
        assert_eq!(read_texts(&wxface_response::from(Response::new())), b"");
    }

    #[test]
    fn bytes_gives_text_holding_a_nul_that_str_cannot() {
        let core = Response::from_json(br#"{"errmsg":"o\u0000k","errcode":0,"f":1.5}"#).unwrap();
        let r = wxface_response::from(core);
        assert_eq!(read_bytes(&r, "errmsg"), (0, b"o\0k".to_vec()));
        let name = CString::new("errmsg").unwrap();
        // SAFETY: live response and C string.
        assert!(unsafe { wxface_response_str(&r, name.as_ptr()) }.is_null());
        assert_eq!(read_bytes(&r, "errcode"), (0, b"0".to_vec()));
        assert_eq!(read_bytes(&r, "f"), (0, b"1.5".to_vec()));
        assert_eq!(read_bytes(&r, "absent").0, Code::NotFound as i32);
    }
}
