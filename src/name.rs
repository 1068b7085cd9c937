//! Names as Chinese ID cards write them.
//!
//! Minority names join their parts with U+00B7 MIDDLE DOT (`阿卜杜·热合曼`),
//! which is what WeChat hashes and compares. Legacy systems type a
//! look-alike instead (GB2312 converters, Japanese-era fonts, a full stop on
//! an English keyboard), and each look-alike changes the name's MD5 and
//! cert_hash: a false mismatch for a genuine person. So every name the
//! library sends or hashes has its look-alikes mapped to U+00B7 first.

use std::borrow::Cow;

use crate::digest;

/// Names on Chinese ID cards, transliterated minority names included, are
/// far shorter; anything longer is a caller bug, not a name.
pub const MAX_NAME_CHARS: usize = 64;

/// The separator of an ID card name.
pub const MIDDLE_DOT: char = '\u{00B7}';

/// The characters mapped to [`MIDDLE_DOT`] in an expected name, with their
/// Unicode names (the README's list is this one).
pub const SEPARATOR_LOOK_ALIKES: &[(char, &str)] = &[
    ('\u{002E}', "FULL STOP"),
    ('\u{0387}', "GREEK ANO TELEIA"),
    ('\u{2022}', "BULLET"),
    ('\u{2024}', "ONE DOT LEADER"),
    ('\u{2027}', "HYPHENATION POINT"),
    ('\u{2219}', "BULLET OPERATOR"),
    ('\u{22C5}', "DOT OPERATOR"),
    ('\u{30FB}', "KATAKANA MIDDLE DOT"),
    ('\u{FF0E}', "FULLWIDTH FULL STOP"),
    ('\u{FF65}', "HALFWIDTH KATAKANA MIDDLE DOT"),
];

/// U+00B7 or one of its look-alikes.
pub fn is_separator(c: char) -> bool {
    c == MIDDLE_DOT || SEPARATOR_LOOK_ALIKES.iter().any(|(l, _)| *l == c)
}

/// The name with every separator look-alike replaced by U+00B7; borrowed
/// when there was none.
pub fn canonical(name: &str) -> Cow<'_, str> {
    if name.chars().any(|c| c != MIDDLE_DOT && is_separator(c)) {
        Cow::Owned(
            name.chars()
                .map(|c| if is_separator(c) { MIDDLE_DOT } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(name)
    }
}

/// For a name mismatch where the expected (canonical) name holds U+00B7:
/// what WeChat's digest says about the separator, without the name. None
/// when the name has no separator.
pub fn separator_hint(canonical_name: &str, wechat_md5: &str) -> Option<String> {
    if !canonical_name.contains(MIDDLE_DOT) {
        return None;
    }
    let matches = |variant: &str| digest::md5_matches(variant.as_bytes(), wechat_md5);
    let unicode = |c: char| format!("U+{:04X}", u32::from(c));
    for (c, label) in SEPARATOR_LOOK_ALIKES {
        if matches(&canonical_name.replace(MIDDLE_DOT, &c.to_string())) {
            return Some(format!(
                "the expected name holds the separator U+00B7, but WeChat verified it written with {} {label}",
                unicode(*c)
            ));
        }
    }
    if matches(&canonical_name.replace(MIDDLE_DOT, "")) {
        return Some(
            "the expected name holds the separator U+00B7, but WeChat verified it without one"
                .to_owned(),
        );
    }
    Some(
        "the expected name holds the separator U+00B7 (look-alikes are mapped to it); \
         check how the ID card writes the name"
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "阿卜杜·热合曼";

    #[test]
    fn every_look_alike_maps_to_the_middle_dot() {
        for (c, label) in SEPARATOR_LOOK_ALIKES {
            let typed = NAME.replace(MIDDLE_DOT, &c.to_string());
            assert_eq!(canonical(&typed), NAME, "{label}");
        }
        assert_eq!(canonical("阿卜杜・热合曼・买买提"), "阿卜杜·热合曼·买买提");
    }

    #[test]
    fn names_without_look_alikes_are_untouched() {
        assert!(matches!(canonical("张三"), Cow::Borrowed("张三")));
        assert!(matches!(canonical(NAME), Cow::Borrowed(_)));
    }

    #[test]
    fn the_hint_names_the_separator_wechat_used_never_the_name() {
        let md5 = digest::name_md5("阿卜杜・热合曼").unwrap();
        let hint = separator_hint(NAME, &md5).unwrap();
        assert!(hint.contains("U+30FB KATAKANA MIDDLE DOT"), "{hint}");
        assert!(!hint.contains('阿'));
        let hint = separator_hint(NAME, &digest::name_md5("阿卜杜热合曼").unwrap()).unwrap();
        assert!(hint.contains("without one"), "{hint}");
        let hint = separator_hint(NAME, &digest::name_md5("李四").unwrap()).unwrap();
        assert!(hint.contains("check how the ID card writes"), "{hint}");
        assert_eq!(
            separator_hint("张三", &digest::name_md5("李四").unwrap()),
            None
        );
    }
}
