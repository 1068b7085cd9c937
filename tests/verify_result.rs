//! One canonical verify_result: WeChat and the replay guard see the same
//! bytes, so a result is accepted once whatever whitespace surrounds it.

mod common;

use common::Sandbox;
use serde_json::json;
use wxface::{Code, Expected};

const NAME: &str = "张三";
const ID: &str = "11010519491231002X";
const GET_INFO: &str = "/cityservice/face/identify/getinfo";

#[test]
fn a_verify_result_is_accepted_once_whatever_whitespace_surrounds_it() {
    let sandbox = Sandbox::start();
    let client = sandbox.client();
    let (key, verify_result, openid) = sandbox.finished_v1(&client, NAME, ID, &json!({}));
    let expected = Expected {
        name: NAME,
        id_card_number: ID,
        user_id_key: Some(&key),
        openid: Some(&openid),
    };
    let code = |vr: &str| {
        client
            .v1_verify(vr, &expected)
            .err()
            .map_or(Code::Ok, |e| e.code)
    };
    assert_eq!(code(&format!(" {verify_result}\t")), Code::Ok);
    assert_eq!(code(&verify_result), Code::Replayed);
    assert_eq!(code(&format!("\u{3000}{verify_result} ")), Code::Replayed);
    assert_eq!(code(&format!("{verify_result}\n")), Code::Replayed);
}

#[test]
fn a_verify_result_with_a_space_inside_is_refused_before_any_call() {
    let sandbox = Sandbox::start();
    let client = sandbox.client();
    // A base64 '+' that a front end's form decoding turned into a space.
    let e = client
        .v1_verify(
            "XXIzTtMqCxwOaawoE91 VJdsFmv7b8g0VZIZkqf4GWA60cEB6Bp4ggOG",
            &Expected {
                name: NAME,
                id_card_number: ID,
                user_id_key: None,
                openid: None,
            },
        )
        .unwrap_err();
    assert_eq!(e.code, Code::InvalidArgument, "{}", e.message);
    assert!(e.message.starts_with("verify_result"), "{}", e.message);
    assert_eq!(sandbox.requests(GET_INFO), 0);
    let e = client.v1_get_info("a b").unwrap_err();
    assert_eq!(e.code, Code::InvalidArgument);
}
