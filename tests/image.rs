//! getimage (1.0 only: WeChat documents none for 2.0): the photo comes
//! back as bytes; WeChat's JSON errors come back as their codes.

mod common;

use common::Sandbox;
use serde_json::json;
use wxface::Code;

const NAME: &str = "张三";
const ID: &str = "11010519491231002X";

#[test]
fn v1_image_of_a_finished_verification_is_a_jpeg() {
    let sandbox = Sandbox::start();
    let client = sandbox.client();
    let (_, vr, _) = sandbox.finished_v1(&client, NAME, ID, &json!({}));
    let r = client.v1_get_image(&vr).unwrap();
    assert!(r.bytes("image").unwrap().starts_with(&[0xFF, 0xD8, 0xFF]));
    assert_eq!(r.text("content_type").as_deref(), Some("image/jpeg"));
    assert_eq!(r.text("image"), None, "binary is not text");
}

#[test]
fn v1_image_of_an_unknown_verify_result_is_its_errcode() {
    let sandbox = Sandbox::start();
    let e = sandbox
        .client()
        .v1_get_image("forged-by-the-front-end-0000")
        .unwrap_err();
    assert_eq!(
        (e.code, e.wechat_errcode),
        (Code::VerifyResultInvalid, 84001)
    );
}

#[test]
fn an_html_page_is_not_taken_for_an_image() {
    let sandbox = Sandbox::start();
    let client = sandbox.client();
    let (_, vr, _) = sandbox.finished_v1(&client, NAME, ID, &json!({}));
    sandbox.fault(json!({ "path": "/cityservice/face/identify/getimage", "kind": "content_type", "count": 1 }));
    // The photo relabelled text/html by a gateway is still recognised by its signature.
    assert!(client.v1_get_image(&vr).is_ok());
    sandbox.fault(json!({ "path": "/cityservice/face/identify/getimage", "kind": "http_status", "status": 500, "count": 1 }));
    assert_eq!(client.v1_get_image(&vr).unwrap_err().code, Code::Http);
}
