//! 2.0's out_seq_no: WeChat's format rule, checked before any request, and
//! a generator of fresh values for callers without an order number of
//! their own.
//!
//! WeChat refuses a malformed out_seq_no (84011) and one already used by
//! the same appid (84019); catching the first locally saves a round trip
//! and names the rule.

use crate::error::{Error, Result};

pub const MIN_CHARS: usize = 5;
pub const MAX_CHARS: usize = 32;
/// The rule, as the error message states it.
pub const RULE: &str = "must be 5 to 32 characters of 0-9 A-Z a-z _ - (WeChat's getverifyid rule)";

/// Ok if `value` is 5 to 32 characters of `0-9 A-Z a-z _ -`.
pub fn check(value: &str) -> Result<()> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    if (MIN_CHARS..=MAX_CHARS).contains(&value.len()) && value.bytes().all(allowed) {
        Ok(())
    } else {
        // Its length only: an order number may embed a patient number.
        Err(Error::invalid_argument(
            "out_seq_no",
            &format!("{RULE}; got {} bytes", value.len()),
        ))
    }
}

/// A fresh out_seq_no: a UUIDv7 (RFC 9562) as 32 lower-case hex digits.
///
/// Its first 12 digits are the Unix time in milliseconds, so values sort
/// by creation; within a process the uuid crate's shared counter keeps
/// them strictly increasing across threads, and 74 random bits keep
/// processes and machines apart. It carries nothing about the person or
/// the host.
pub fn new() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_to_thirty_two_of_the_allowed_characters_pass() {
        for ok in ["abcde", "order-2026_12-01", "A1b2C3", &"x".repeat(32)] {
            assert!(check(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn anything_else_is_refused_naming_the_rule() {
        for bad in [
            "",
            "abcd",
            &"x".repeat(33),
            "order 1",
            "order.1",
            "订单12345",
            "order/1",
            "abc\u{0}de",
        ] {
            let e = check(bad).unwrap_err();
            assert_eq!(e.code, crate::Code::InvalidArgument, "{bad:?}");
            assert!(e.message.contains("5 to 32"), "{}", e.message);
        }
    }

    #[test]
    fn the_message_shows_the_length_never_the_value() {
        let e = check("110105194912310021 张三").unwrap_err();
        assert!(!e.message.contains("110105"), "{}", e.message);
    }

    #[test]
    fn fresh_values_are_valid_and_sort_by_creation() {
        let values: Vec<String> = (0..1000).map(|_| new()).collect();
        for v in &values {
            check(v).unwrap();
        }
        assert!(values.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn fresh_values_are_unique_across_threads() {
        let threads: Vec<_> = (0..8)
            .map(|_| std::thread::spawn(|| (0..2000).map(|_| new()).collect::<Vec<_>>()))
            .collect();
        let mut all: Vec<String> = threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n);
    }
}
