//! `wxface_response`: the fields of an answer or a push event, read by
//! WeChat's names.

use std::borrow::Cow;
use std::ffi::c_char;

use zeroize::Zeroize;

use super::error::wxface_error;
use super::{answer_encoding, guard, guard_value, object, object_mut, utf8};
use crate::error::{Code, Error, Result};
use crate::mask;
use crate::response::{Response, Value};

struct Field {
    /// Where the name starts in `block`; a NUL follows it.
    name: usize,
    name_len: usize,
    value: Place,
    int: Option<i64>,
}

enum Place {
    /// Text with a C-string form (integers as decimal): `len` bytes at `at`
    /// in `block`, then a NUL.
    Block { at: usize, len: usize },
    /// Binary data (the getimage photo), or text holding a NUL byte: its
    /// exact bytes, with no NUL added.
    Own(Vec<u8>),
}

/// The fields of an answer or a push, made by the calls that hand one back
/// through `out` (or `event`); yours: free it with `wxface_response_free`.
/// Read-only once made, so it may be read from several threads at once.
pub struct wxface_response {
    /// `name NUL text NUL` for each field with a C-string form, in WeChat's
    /// order (`wxface_response_texts` hands out exactly this part: a binding
    /// that copies every field pays one crossing instead of two a field),
    /// then `name NUL` for each other field. One allocation for the answer,
    /// where a CString and a buffer per field cost the push and query paths
    /// a tenth of their instructions.
    block: Vec<u8>,
    texts_len: usize,
    fields: Vec<Field>,
}

impl From<Response> for wxface_response {
    /// Copies text into the block and wipes what it copied from; binary
    /// data is moved, never copied. Text is handed back in the answer
    /// encoding of the call that made the response (`text_encoding`).
    fn from(r: Response) -> wxface_response {
        let enc = answer_encoding();
        let size: usize = r
            .fields()
            .map(|(name, value)| match value {
                Value::Int(_) => name.len() + 22,
                Value::Text(s) | Value::Json(s) => name.len() + s.len() + 2,
                Value::Bytes(_) => name.len() + 1,
            })
            .sum();
        let mut block = Vec::with_capacity(size);
        let mut fields = Vec::with_capacity(r.len());
        // Fields without a C-string form: named after the texts part.
        let mut unnamed = Vec::new();
        let mut decimal = itoa::Buffer::new();
        for (name, value) in r.into_fields() {
            // A name holding a NUL has no C form: the field is left out.
            if name.as_bytes().contains(&0) {
                wipe(value);
                continue;
            }
            let (text, int) = match &value {
                Value::Int(i) => (Some(Cow::Borrowed(decimal.format(*i).as_bytes())), Some(*i)),
                Value::Text(s) => (Some(enc.encode(s)), s.trim().parse().ok()),
                Value::Json(s) => (Some(enc.encode(s)), None),
                Value::Bytes(_) => (None, None),
            };
            let value = match text {
                Some(text) if !text.contains(&0) => {
                    let name_at = block.len();
                    block.extend_from_slice(name.as_bytes());
                    block.push(0);
                    let at = block.len();
                    block.extend_from_slice(&text);
                    block.push(0);
                    let len = text.len();
                    wipe_cow(text);
                    wipe(value);
                    fields.push(Field {
                        name: name_at,
                        name_len: name.len(),
                        value: Place::Block { at, len },
                        int,
                    });
                    continue;
                }
                Some(text) => {
                    let bytes = text.to_vec();
                    wipe_cow(text);
                    wipe(value);
                    bytes
                }
                None => match value {
                    Value::Bytes(b) => b,
                    _ => unreachable!("only binary data has no text form"),
                },
            };
            unnamed.push((fields.len(), name));
            fields.push(Field {
                name: 0,
                name_len: 0,
                value: Place::Own(value),
                int,
            });
        }
        let texts_len = block.len();
        for (i, name) in unnamed {
            fields[i].name = block.len();
            fields[i].name_len = name.len();
            block.extend_from_slice(name.as_bytes());
            block.push(0);
        }
        wxface_response {
            block,
            texts_len,
            fields,
        }
    }
}

/// A value taken out of a response, wiped as the response would have.
fn wipe(value: Value) {
    match value {
        Value::Text(mut s) | Value::Json(mut s) => s.zeroize(),
        Value::Bytes(mut b) => b.zeroize(),
        Value::Int(_) => {}
    }
}

/// Text re-encoded for `text_encoding` is a copy of the value: wiped too.
fn wipe_cow(text: Cow<'_, [u8]>) {
    if let Cow::Owned(mut bytes) = text {
        bytes.zeroize();
    }
}

impl wxface_response {
    /// name NUL text NUL for every field with a C-string form, in order.
    fn texts(&self) -> &[u8] {
        &self.block[..self.texts_len]
    }

    fn find(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| self.name(f) == name.as_bytes())
    }

    fn name(&self, f: &Field) -> &[u8] {
        &self.block[f.name..f.name + f.name_len]
    }

    /// The value's bytes, without the NUL that follows text.
    fn bytes<'a>(&'a self, f: &'a Field) -> &'a [u8] {
        match &f.value {
            Place::Block { at, len } => &self.block[*at..*at + *len],
            Place::Own(bytes) => bytes,
        }
    }

    /// The value as a C string, if it has that form.
    fn c_text(&self, f: &Field) -> Option<*const c_char> {
        match &f.value {
            Place::Block { at, .. } => Some(self.block[*at..].as_ptr().cast()),
            Place::Own(_) => None,
        }
    }
}

impl Drop for wxface_response {
    // Responses carry verify_result, openid and the photo: wipe them.
    fn drop(&mut self) {
        self.block.zeroize();
        for f in &mut self.fields {
            if let Place::Own(bytes) = &mut f.value {
                bytes.zeroize();
            }
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
        let found = unsafe { find(r, field) }.ok();
        found
            .and_then(|(r, f)| r.c_text(f))
            .unwrap_or(std::ptr::null())
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
            let (r, f) = find(r, field)?;
            *out = f
                .int
                .ok_or_else(|| not_found("no integer field", r.name(f)))?;
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
            let (r, f) = find(r, field)?;
            let bytes = r.bytes(f);
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
/// call instead of two a field. Made with the response, read-only (several
/// threads may call it at once); `*data` stays valid until
/// `wxface_response_free(r)`. WXFACE_ERR_INVALID_ARGUMENT for
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
            .and_then(|r| r.fields.get(index).map(|f| r.block[f.name..].as_ptr()))
            .map_or(std::ptr::null(), <*const u8>::cast)
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
unsafe fn find<'a>(
    r: *const wxface_response,
    field: *const c_char,
) -> Result<(&'a wxface_response, &'a Field)> {
    // SAFETY: forwarded contract, see `object` and `utf8`.
    let (r, name) = unsafe { (object(r, "r")?, utf8(field, "field")?) };
    r.find(name)
        .map(|f| (r, f))
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
    use std::ffi::{CStr, CString};

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
    fn fields_without_a_c_form_keep_their_place_in_the_order_and_their_names() {
        let mut core = Response::from_json(br#"{"a":"1","b":"x\u0000y","c":2}"#).unwrap();
        core.set("image", Value::Bytes(vec![0xFF, 0xD8]));
        core.set("z", Value::Int(-7));
        let r = wxface_response::from(core);
        // SAFETY: live response; names are NUL-terminated and `r`'s.
        let names: Vec<String> = (0..unsafe { wxface_response_count(&r) })
            .map(|i| unsafe { CStr::from_ptr(wxface_response_field_name(&r, i)) })
            .map(|n| n.to_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["a", "b", "c", "image", "z"]);
        assert_eq!(read_bytes(&r, "b"), (0, b"x\0y".to_vec()));
        assert_eq!(read_bytes(&r, "image"), (0, vec![0xFF, 0xD8]));
        assert_eq!(read_texts(&r), b"a\x001\0c\x002\0z\0-7\0".to_vec());
        let mut int = 0;
        let name = CString::new("a").unwrap();
        // SAFETY: live response, C string and out-pointer; err may be NULL.
        let rc = unsafe { wxface_response_int(&r, name.as_ptr(), &mut int, std::ptr::null_mut()) };
        assert_eq!((rc, int), (0, 1), "text holding a number reads as one");
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
