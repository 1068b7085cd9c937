//! `text_encoding=gbk` through the C ABI, as a PowerBuilder, Delphi 7 or
//! VB6 program on Chinese Windows uses it: it hands over GBK and reads
//! back GBK, in error messages, response text and log lines alike.

mod common;

use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::Mutex;

use common::{Sandbox, APPID, SECRET};
use serde_json::json;
use wxface::ffi::client::{wxface_client, wxface_client_free, wxface_client_new};
use wxface::ffi::config::{
    wxface_config_free, wxface_config_new, wxface_config_set, wxface_config_set_log_callback,
};
use wxface::ffi::error::{wxface_error, WXFACE_ERR_NAME_MISMATCH, WXFACE_OK};
use wxface::ffi::response::{wxface_response, wxface_response_free, wxface_response_str};
use wxface::ffi::v1::{wxface_v1_get_user_id_key, wxface_v1_verify};

const ZHANG_SAN_GBK: &[u8] = b"\xD5\xC5\xC8\xFD\0"; // 张三
const LI_SI_GBK: &[u8] = b"\xC0\xEE\xCB\xC4\0"; // 李四
const ID: &CStr = c"11010519491231002X";

static LINES: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

extern "system" fn collect(_user_data: *mut c_void, _level: i32, line: *const c_char) {
    // SAFETY: the library passes a NUL-terminated line valid during the call.
    let line = unsafe { CStr::from_ptr(line) }.to_bytes().to_vec();
    LINES.lock().unwrap().push(line);
}

fn new_err() -> wxface_error {
    // SAFETY: a plain C struct; all zeroes is its cleared state.
    unsafe { std::mem::zeroed() }
}

fn message(err: &wxface_error) -> Vec<u8> {
    // SAFETY: the library NUL-terminates the message.
    unsafe { CStr::from_ptr(err.message.as_ptr()) }
        .to_bytes()
        .to_vec()
}

/// A client made through the C ABI with `settings` and the log callback.
fn gbk_client(sb: &Sandbox, settings: &[(&str, &str)]) -> *mut wxface_client {
    let mut err = new_err();
    let cfg = wxface_config_new();
    let base = [
        ("appid", APPID),
        ("secret", SECRET),
        ("api_base", sb.base.as_str()),
        ("proxy", "none"),
        ("log_level", "info"),
    ];
    for (k, v) in base.iter().chain(settings) {
        let (k, v) = (CString::new(*k).unwrap(), CString::new(*v).unwrap());
        // SAFETY: a live config and C strings.
        let rc = unsafe { wxface_config_set(cfg, k.as_ptr(), v.as_ptr(), &mut err) };
        assert_eq!(
            rc,
            WXFACE_OK,
            "{:?}",
            String::from_utf8_lossy(&message(&err))
        );
    }
    let mut client = std::ptr::null_mut();
    // SAFETY: a live config, a callback of the right type, out-pointers.
    unsafe {
        assert_eq!(
            wxface_config_set_log_callback(cfg, Some(collect), std::ptr::null_mut(), &mut err),
            WXFACE_OK
        );
        assert_eq!(wxface_client_new(cfg, &mut client, &mut err), WXFACE_OK);
        wxface_config_free(cfg);
    }
    client
}

fn str_field(r: *const wxface_response, field: &CStr) -> Vec<u8> {
    // SAFETY: a live response and a C string.
    let p = unsafe { wxface_response_str(r, field.as_ptr()) };
    assert!(!p.is_null(), "no field {field:?}");
    // SAFETY: a non-NULL result is a NUL-terminated string owned by `r`.
    unsafe { CStr::from_ptr(p) }.to_bytes().to_vec()
}

/// Begins a 1.0 verification of 张三 (GBK), lets the sandbox pass it, and
/// asks for the verdict on 李四: the error message of the mismatch, and
/// getuseridkey's errmsg, which WeChat wrote in Chinese this time.
fn name_mismatch(sb: &Sandbox, client: *mut wxface_client) -> (Vec<u8>, Vec<u8>) {
    let mut err = new_err();
    let mut r = std::ptr::null_mut();
    sb.fault(json!({
        "path": "/cityservice/face/identify/getuseridkey",
        "kind": "edit",
        "replace": {"errmsg": "\"正常\""},
    }));
    // SAFETY: a live client, C strings and out-pointers.
    let rc = unsafe {
        wxface_v1_get_user_id_key(
            client,
            ZHANG_SAN_GBK.as_ptr().cast(),
            ID.as_ptr(),
            std::ptr::null(),
            &mut r,
            &mut err,
        )
    };
    assert_eq!(rc, WXFACE_OK, "{:?}", message(&err));
    let errmsg = str_field(r, c"errmsg");
    let key = CString::new(str_field(r, c"user_id_key")).unwrap();
    // SAFETY: from the call above, freed once.
    unsafe { wxface_response_free(r) };
    let (verify_result, openid) = sb.complete_v1(key.to_str().unwrap(), &json!({}));
    let (verify_result, openid) = (
        CString::new(verify_result).unwrap(),
        CString::new(openid).unwrap(),
    );
    // SAFETY: a live client and C strings; `out` may be NULL.
    let rc = unsafe {
        wxface_v1_verify(
            client,
            verify_result.as_ptr(),
            LI_SI_GBK.as_ptr().cast(),
            ID.as_ptr(),
            key.as_ptr(),
            openid.as_ptr(),
            std::ptr::null_mut(),
            &mut err,
        )
    };
    assert_eq!(rc, WXFACE_ERR_NAME_MISMATCH);
    // SAFETY: from wxface_client_new, freed once.
    unsafe { wxface_client_free(client) };
    (message(&err), errmsg)
}

#[test]
fn a_gbk_caller_passes_gbk_and_reads_messages_response_text_and_log_lines_in_gbk() {
    let sb = Sandbox::start();
    let (msg, errmsg) = name_mismatch(&sb, gbk_client(&sb, &[("text_encoding", "gbk")]));
    assert!(
        msg.windows(3).any(|w| w == b"\xC0\xEE*"),
        "李* in GBK expected in {msg:?}"
    );
    assert!(std::str::from_utf8(&msg).is_err(), "{msg:?} is UTF-8");
    assert_eq!(errmsg, b"\xD5\xFD\xB3\xA3"); // 正常
    let lines = LINES.lock().unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l.windows(3).any(|w| w == b"\xD5\xC5*")),
        "张* in GBK expected in a log line: {lines:?}"
    );
}

#[test]
fn input_encoding_gbk_reads_gbk_but_still_answers_in_utf8() {
    let sb = Sandbox::start();
    let (msg, errmsg) = name_mismatch(&sb, gbk_client(&sb, &[("input_encoding", "gbk")]));
    let msg = String::from_utf8(msg).expect("a UTF-8 message");
    assert!(msg.contains("李*"), "{msg}");
    assert_eq!(errmsg, "正常".as_bytes());
}
