//! Resident ID normalisation on arbitrary text.
//!
//! Besides "no panic", checks what callers rely on: an accepted number is
//! canonical (18 ASCII characters, X only last, a real date, a right check
//! character) and normalising it again changes nothing; a refused one is
//! `InvalidIdCard` and its message never carries eight digits of the input
//! in a row (the mask keeps three and four).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wxface::{id_card, Code};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match id_card::normalize(input) {
        Ok(id) => {
            let b = id.as_bytes();
            assert_eq!(b.len(), 18, "accepted a number that is not 18 bytes");
            assert!(
                b[..17].iter().all(u8::is_ascii_digit),
                "non-digit in the body"
            );
            assert!(
                b[17].is_ascii_digit() || b[17] == b'X',
                "bad last character"
            );
            // The check character, recomputed independently of the library.
            let sum: u32 = b[..17]
                .iter()
                .zip(WEIGHTS)
                .map(|(d, w)| u32::from(d - b'0') * w)
                .sum();
            assert_eq!(
                b[17],
                b"10X98765432"[(sum % 11) as usize],
                "wrong check character accepted"
            );
            let year: u32 = id[6..10].parse().unwrap_or(0);
            assert!(year >= 1900, "a birth year before 1900 accepted");
            let month: u32 = id[10..12].parse().unwrap_or(0);
            let day: u32 = id[12..14].parse().unwrap_or(0);
            assert!(
                (1..=12).contains(&month) && (1..=31).contains(&day),
                "impossible date accepted"
            );
            assert_eq!(
                id_card::normalize(&id).ok().as_deref(),
                Some(id.as_str()),
                "not idempotent"
            );
            assert_eq!(
                wxface::digest::id_card_md5(input).ok(),
                Some(wxface::digest::md5_hex(id.as_bytes())),
                "the hash is not of the canonical form"
            );
        }
        Err(e) => {
            // A NUL is refused as an argument no C caller could pass; any
            // other refusal says what is wrong with the number.
            let expected = if input.contains('\0') {
                Code::InvalidArgument
            } else {
                Code::InvalidIdCard
            };
            assert_eq!(e.code, expected);
            assert!(
                longest_digit_run(&e.message) < 8,
                "the error message leaks the number"
            );
        }
    }
});

/// The longest run of digits, full-width ones counted as digits.
fn longest_digit_run(s: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        if c.is_ascii_digit() || ('０'..='９').contains(&c) {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}
