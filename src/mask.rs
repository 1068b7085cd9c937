//! Masking of personal data and secrets for log lines and error messages.
//!
//! PIPL and hospital audits forbid full names, ID numbers, secrets and tokens
//! in logs. Every message that mentions one goes through here.

/// `张三` → `张*`, `欧阳娜娜` → `欧***`: the first character only.
pub fn name(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count();
            let mut out = String::with_capacity(first.len_utf8() + rest);
            out.push(first);
            out.extend(std::iter::repeat('*').take(rest.max(1)));
            out
        }
    }
}

/// `11010519491231002X` → `110***********002X`: region prefix and last four,
/// which is what Chinese banks print on receipts. Anything shorter than 8
/// characters is masked whole, so a wrong-length input never leaks.
pub fn id_card(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let n = chars.len();
    let mut out: String = chars[..3].iter().collect();
    out.extend(std::iter::repeat('*').take(n - 7));
    out.extend(chars[n - 4..].iter());
    out
}

/// Secrets, tokens, keys and verify results: never any of their characters,
/// only their length, which is enough to spot a truncated value.
pub fn secret(s: &str) -> String {
    format!("<{} chars hidden>", s.chars().count())
}

/// An opaque identifier that is not a secret but links to a person (openid,
/// user_id_key, verify_id, out_seq_no): the first four and last two
/// characters, and of those only ASCII ones: an integrator's out_seq_no may
/// embed a patient's name.
pub fn opaque(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let shown = |c: &char| if c.is_ascii_graphic() { *c } else { '*' };
    let head: String = chars[..4].iter().map(shown).collect();
    let tail: String = chars[chars.len() - 2..].iter().map(shown).collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_only_the_first_character() {
        assert_eq!(name("张三"), "张*");
        assert_eq!(name("欧阳娜娜"), "欧***");
        assert_eq!(name("王"), "王*");
        assert_eq!(name(""), "");
    }

    #[test]
    fn id_numbers_keep_region_and_last_four() {
        assert_eq!(id_card("11010519491231002X"), "110***********002X");
        assert_eq!(id_card("1234567"), "*******");
    }

    #[test]
    fn secrets_show_only_their_length() {
        assert_eq!(secret("abc"), "<3 chars hidden>");
    }

    #[test]
    fn opaque_ids_show_head_and_tail() {
        assert_eq!(opaque("oABCDEFGHIJK12"), "oABC…12");
        assert_eq!(opaque("short"), "*****");
        assert_eq!(opaque("挂号-2026-张三"), "**-2…**");
    }
}
