//! Chinese resident ID numbers (GB 11643-1999): normalisation and validation.
//!
//! Legacy HIS forms deliver full-width digits, a lower-case x and stray
//! spaces; WeChat hashes the canonical form (ASCII, upper-case X), so every
//! number is normalised before it is hashed or sent.

use crate::error::{Code, Error, Result};
use crate::mask;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// The canonical 18 characters, or `InvalidIdCard` saying what is wrong
/// (never the number itself, only its masked form).
pub fn normalize(input: &str) -> Result<String> {
    // Most numbers arrive canonical but for a lower-case x: no rewrite
    // character by character then (and no NUL to look for).
    let out = if input.len() == 18
        && input
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'X' || b == b'x')
    {
        input.to_ascii_uppercase()
    } else {
        crate::text::no_nul("id_card_number", input)?;
        rewrite(input)?
    };
    let bytes = out.as_bytes();
    if bytes[..17].contains(&b'X') {
        return Err(invalid(input, "has X before the last position"));
    }
    // Only digits are left before the last position.
    if !valid_birth_date(&bytes[6..14]) {
        return Err(invalid(input, "has an impossible birth date"));
    }
    if bytes[17] != check_char(&bytes[..17]) {
        return Err(invalid(input, "has a wrong check character"));
    }
    Ok(out)
}

/// The 18 ASCII characters of a number written with full-width digits,
/// a lower-case or full-width x, or surrounding spaces. Out of line: the
/// Unicode work stays off the common path's cache lines.
#[inline(never)]
fn rewrite(input: &str) -> Result<String> {
    let mut out = String::with_capacity(18);
    for ch in input
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
        .chars()
    {
        let ascii = match ch {
            '0'..='9' => ch,
            'x' | 'X' | 'ｘ' | 'Ｘ' => 'X',
            // Full-width digits U+FF10..U+FF19.
            '０'..='９' => char::from(b'0' + (ch as u32 - '０' as u32) as u8),
            _ => {
                return Err(invalid(
                    input,
                    "contains a character that is not a digit or X",
                ));
            }
        };
        out.push(ascii);
        if out.len() > 18 {
            return Err(invalid(input, "is longer than 18 characters"));
        }
    }
    if out.len() != 18 {
        return Err(invalid(
            input,
            "must have 18 characters (15-digit numbers were retired in 2013)",
        ));
    }
    Ok(out)
}

fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// `yyyymmdd`: eight ASCII digits.
fn valid_birth_date(yyyymmdd: &[u8]) -> bool {
    let number = |digits: &[u8]| {
        digits
            .iter()
            .fold(0u32, |n, d| n * 10 + u32::from(d.wrapping_sub(b'0')))
    };
    let (y, m, d) = (
        number(&yyyymmdd[..4]),
        number(&yyyymmdd[4..6]),
        number(&yyyymmdd[6..8]),
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d) && y >= 1900 && (y, m, d) <= today()
}

/// Today's date (UTC) as (year, month, day): nobody is born in the future.
fn today() -> (u32, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

/// Howard Hinnant's days-to-civil conversion for the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (u32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as u32, m as u32, d as u32)
}

#[cold]
#[inline(never)]
fn invalid(input: &str, why: &str) -> Error {
    let input = input.trim();
    let shown = if input.is_empty() {
        "(empty)".to_owned()
    } else {
        mask::id_card(input)
    };
    Error::new(Code::InvalidIdCard, format!("id_card_number {shown} {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // A syntactically valid number from the GB 11643 worked example.
    const VALID: &str = "11010519491231002X";

    #[test]
    fn accepts_the_canonical_form() {
        assert_eq!(normalize(VALID).unwrap(), VALID);
    }

    #[test]
    fn accepts_lower_case_x_full_width_digits_and_spaces() {
        assert_eq!(normalize(" 11010519491231002x ").unwrap(), VALID);
        assert_eq!(normalize("11010519491231002x").unwrap(), VALID);
        assert_eq!(
            normalize("１１０１０５１９４９１２３１００２Ｘ").unwrap(),
            VALID
        );
        assert_eq!(normalize("\u{3000}11010519491231002X\t").unwrap(), VALID);
    }

    #[test]
    fn rejects_a_wrong_check_character() {
        let e = normalize("110105194912310021").unwrap_err();
        assert_eq!(e.code, Code::InvalidIdCard);
        assert!(e.message.contains("check character"));
        assert!(!e.message.contains("110105194912310021"));
    }

    #[test]
    fn a_name_typed_before_the_number_is_not_echoed() {
        let e = normalize("张三 11010519491231002X").unwrap_err();
        assert_eq!(e.code, Code::InvalidIdCard);
        assert!(
            !e.message.contains('张') && !e.message.contains('三'),
            "{}",
            e.message
        );
        assert!(!e.message.contains("002X"), "{}", e.message);
        assert!(e.message.contains("<21 chars hidden>"), "{}", e.message);
    }

    #[test]
    fn rejects_impossible_dates() {
        for id in [
            "110105194902300000",
            "110105194913010000",
            "110105190002290000",
        ] {
            let e = normalize(id).unwrap_err();
            assert!(e.message.contains("birth date"), "{id}: {}", e.message);
        }
    }

    #[test]
    fn rejects_birth_dates_in_the_future() {
        let body = "11010520991231002";
        let id = format!("{body}{}", char::from(check_char(body.as_bytes())));
        let e = normalize(&id).unwrap_err();
        assert!(e.message.contains("birth date"), "{}", e.message);
    }

    #[test]
    fn days_convert_to_civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_783), (2026, 11, 26));
    }

    #[test]
    fn accepts_a_leap_day() {
        // 2000-02-29 exists; check character computed by the GB 11643 rule.
        let body = "11010520000229001";
        let id = format!("{body}{}", char::from(check_char(body.as_bytes())));
        assert_eq!(normalize(&id).unwrap(), id);
    }

    #[test]
    fn rejects_wrong_lengths_and_letters() {
        assert!(normalize("").is_err());
        assert!(normalize("110105491231002").is_err());
        assert!(normalize("11010519491231002X0").is_err());
        assert!(normalize("1101051949123100AX").is_err());
        assert!(normalize("X10105194912310021").is_err());
    }
}
