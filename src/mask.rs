//! Masking of personal data and secrets for log lines and error messages.
//!
//! PIPL and hospital audits forbid full names, ID numbers, secrets and tokens
//! in logs. Every message that mentions one goes through here.
//!
//! A partial mask (some characters shown) is made for one shape of value
//! and applied only to a value of that shape; anything else shows its
//! length only. A name typed into the ID field, or an ID number typed into
//! the name field, therefore never comes back in a message.

/// `张三` → `张*`, `欧阳娜娜` → `欧***`, `阿卜杜·热合曼` → `阿******`: the
/// first character only, for a value shaped like a name (letters, with
/// middle dots or spaces between them, at most 64 characters).
pub fn name(s: &str) -> String {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    if !is_name_shaped(s) {
        return length_only(s);
    }
    let rest = chars.count();
    let mut out = String::with_capacity(first.len_utf8() + rest.max(1));
    out.push(first);
    out.extend(std::iter::repeat_n('*', rest.max(1)));
    out
}

/// `11010519491231002X` → `110***********002X`: region prefix and last four,
/// which is what Chinese banks print on receipts, for a value shaped like an
/// ID number (17 ASCII digits, then a digit or X). Anything else shows its
/// length only.
pub fn id_card(s: &str) -> String {
    if !is_id_shaped(s) {
        return length_only(s);
    }
    // ASCII only, so byte offsets are character offsets.
    format!("{}{}{}", &s[..3], "*".repeat(11), &s[14..])
}

/// Secrets, tokens, keys and verify results: never any of their characters,
/// only their length, which is enough to spot a truncated value.
pub fn secret(s: &str) -> String {
    length_only(s)
}

/// An opaque identifier that is not a secret but links to a person (openid,
/// user_id_key, verify_id, out_seq_no): the first four and last two
/// characters, for a value shaped like a machine-made token (more than 8
/// characters, all ASCII letters, digits, `-` or `_`). An integrator's
/// out_seq_no may embed a patient's name; that, like any other shape,
/// shows its length only.
pub fn opaque(s: &str) -> String {
    let token_shaped = s.len() > 8
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !token_shaped {
        return length_only(s);
    }
    // ASCII only, so byte offsets are character offsets.
    format!("{}…{}", &s[..4], &s[s.len() - 2..])
}

/// What every mask falls back to: how many characters, nothing else.
pub fn length_only(s: &str) -> String {
    format!("<{} chars hidden>", s.chars().count())
}

/// A name from outside (a JSON member, a query parameter, a configuration
/// key, a response field asked for) in backquotes when it is shaped like
/// one (1 to 64 ASCII letters, digits or `_`), else its length only: a
/// malformed line may hold a secret where the name should be.
pub fn field_name(s: &str) -> String {
    let plain =
        !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plain {
        format!("`{s}`")
    } else {
        length_only(s)
    }
}

fn is_id_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && matches!(b[17], b'0'..=b'9' | b'X' | b'x')
}

fn is_name_shaped(s: &str) -> bool {
    let mut count = 0;
    for c in s.chars() {
        count += 1;
        let allowed = c.is_alphabetic() || c == ' ' || crate::name::is_separator(c);
        if !allowed || c.is_ascii_digit() {
            return false;
        }
    }
    count <= crate::name::MAX_NAME_CHARS && !s.starts_with(' ') && !s.ends_with(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_only_the_first_character() {
        assert_eq!(name("张三"), "张*");
        assert_eq!(name("欧阳娜娜"), "欧***");
        assert_eq!(name("王"), "王*");
        assert_eq!(name("阿卜杜·热合曼"), "阿******");
        assert_eq!(name(""), "");
    }

    #[test]
    fn a_name_argument_that_is_not_name_shaped_shows_its_length_only() {
        assert_eq!(name("11010519491231002X"), "<18 chars hidden>");
        assert_eq!(name("张三 11010519491231002X"), "<21 chars hidden>");
        assert_eq!(name("张三\n"), "<3 chars hidden>");
        assert_eq!(name(&"张".repeat(65)), "<65 chars hidden>");
    }

    #[test]
    fn id_numbers_keep_region_and_last_four() {
        assert_eq!(id_card("11010519491231002X"), "110***********002X");
        assert_eq!(id_card("110105194912310021"), "110***********0021");
    }

    #[test]
    fn an_id_argument_that_is_not_id_shaped_shows_its_length_only() {
        for (input, shown) in [
            ("张三 11010519491231002X", "<21 chars hidden>"),
            ("11010519491231002X张三", "<20 chars hidden>"),
            ("110105491231002", "<15 chars hidden>"),
            ("1234567", "<7 chars hidden>"),
            ("１１０１０５１９４９１２３１００２Ｘ", "<18 chars hidden>"),
            ("X10105194912310021", "<18 chars hidden>"),
        ] {
            assert_eq!(id_card(input), shown, "{input}");
        }
    }

    #[test]
    fn field_names_show_only_when_shaped_like_one() {
        assert_eq!(field_name("errcode"), "`errcode`");
        assert_eq!(field_name("secret : s3cr3t"), "<15 chars hidden>");
        assert_eq!(field_name("张三"), "<2 chars hidden>");
        assert_eq!(field_name(""), "<0 chars hidden>");
    }

    #[test]
    fn secrets_show_only_their_length() {
        assert_eq!(secret("abc"), "<3 chars hidden>");
    }

    #[test]
    fn opaque_ids_show_head_and_tail_only_when_token_shaped() {
        assert_eq!(opaque("oABCDEFGHIJK12"), "oABC…12");
        assert_eq!(opaque("o_v2-user_0001"), "o_v2…01");
        assert_eq!(opaque("short"), "<5 chars hidden>");
        assert_eq!(opaque("挂号-2026-张三"), "<10 chars hidden>");
        assert_eq!(opaque("order 2026 Zhang San"), "<20 chars hidden>");
    }
}
