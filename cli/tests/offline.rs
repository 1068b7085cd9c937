//! The offline helpers: known answers computed independently (Python's
//! hashlib and base64), masked ID numbers, and values read from stdin.

mod common;

use common::*;

#[test]
fn a_valid_number_is_shown_masked_and_canonical() {
    let run = wxface(&["id", "-"], "11010519491231002x\n");
    assert_eq!(run.status, 0, "{}", run.all());
    assert_eq!(
        run.stdout.trim(),
        "valid 110***********002X (normalised: WeChat is sent the canonical form)"
    );
    let run = wxface(&["id"], &format!("{ID}\n"));
    assert_eq!(
        run.stdout.trim(),
        "valid 110***********002X (already canonical)"
    );
}

#[test]
fn an_invalid_number_gets_its_code_and_never_appears() {
    let run = wxface(&["id"], "110105194912310021\n");
    assert_eq!(run.status, 2, "{}", run.all());
    assert!(
        run.stdout
            .starts_with("invalid WXFACE_ERR_INVALID_ID_CARD (3)"),
        "{}",
        run.stdout
    );
    run.assert_pii_free(&["110105194912310021"]);
}

#[test]
fn the_md5s_are_wechats() {
    let run = wxface(&["md5", "name"], &format!("{NAME}\n"));
    assert_eq!(run.stdout.trim(), "615db57aa314529aaa0fbe95b3e95bd3");
    // Lower-case x: the MD5 is of the canonical number.
    let run = wxface(&["md5", "id", "-"], "11010519491231002x\n");
    assert_eq!(run.stdout.trim(), "ae05564031c21338aa8a2e7266e7855c");
}

#[test]
fn cert_hash_is_2_0s() {
    let run = wxface(&["cert-hash"], &format!("{NAME}\n{ID}\n"));
    assert_eq!(run.status, 0, "{}", run.all());
    assert_eq!(
        run.stdout.trim(),
        "471b502b022b21f3e120c5deb08295259bd77cac82956ebffc055c6fced73ce0"
    );
}

#[test]
fn out_seq_no_makes_fresh_values_that_pass_wechats_rule() {
    let a = wxface(&["out-seq-no"], "");
    let b = wxface(&["out-seq-no"], "");
    assert_eq!(a.status, 0, "{}", a.all());
    let (a, b) = (a.stdout.trim().to_owned(), b.stdout.trim().to_owned());
    assert_eq!(a.len(), 32, "{a}");
    assert!(a.bytes().all(|c| c.is_ascii_hexdigit()), "{a}");
    assert_ne!(a, b);
    let run = wxface(&["out-seq-no", "check", &a], "");
    assert_eq!(run.stdout.trim(), "valid (32 characters)");
    let run = wxface(&["out-seq-no", "check"], "order 1\n");
    assert_eq!(run.status, 2, "{}", run.all());
    assert!(
        run.stdout
            .starts_with("invalid WXFACE_ERR_INVALID_ARGUMENT (1): out_seq_no: must be 5 to 32"),
        "{}",
        run.stdout
    );
}

#[test]
fn missing_input_is_a_usage_error() {
    let run = wxface(&["cert-hash"], "only one line\n");
    assert_eq!(run.status, 64, "{}", run.all());
    let run = wxface(&["frobnicate"], "");
    assert_eq!(run.status, 64, "{}", run.all());
    assert!(run.stderr.contains("unknown command"), "{}", run.stderr);
}
