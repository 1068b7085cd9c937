//! The caller's text encoding, both ways: UTF-8, or GBK/GB18030 for legacy
//! HIS systems (PowerBuilder `;ansi`, Delphi 7, VB6 on Chinese Windows hand
//! over and read back ANSI strings). Conversions are encoding_rs's.

use std::borrow::Cow;

use crate::error::{Code, Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Gbk,
    Gb18030,
}

impl TextEncoding {
    pub fn parse(s: &str) -> Option<TextEncoding> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Some(TextEncoding::Utf8),
            "gbk" | "cp936" => Some(TextEncoding::Gbk),
            "gb18030" => Some(TextEncoding::Gb18030),
            _ => None,
        }
    }

    /// Decodes `bytes`; any malformed sequence is an error naming `what`,
    /// never a replacement character that would change the MD5 silently.
    /// Valid UTF-8 (and ASCII in GBK) is borrowed, not copied.
    pub fn decode<'a>(self, bytes: &'a [u8], what: &str) -> Result<Cow<'a, str>> {
        let decoded = match self {
            TextEncoding::Utf8 => std::str::from_utf8(bytes).ok().map(Cow::Borrowed),
            // encoding_rs decodes GBK labels with its GB18030 decoder (a
            // superset); the difference only matters for encoding.
            TextEncoding::Gbk | TextEncoding::Gb18030 => {
                encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
            }
        };
        decoded.ok_or_else(|| {
            Error::new(
                Code::InvalidEncoding,
                format!("{what}: not valid {}", self.label()),
            )
        })
    }

    /// `text` as the caller reads it. GB18030 encodes every character; a
    /// character GBK lacks (an emoji, a rare name character) becomes its
    /// HTML reference `&#NNNNN;`, as encoding_rs writes it, so that what
    /// comes back is always valid GBK and never hides a character silently.
    /// Neither encoding produces a NUL byte from text without one.
    pub fn encode(self, text: &str) -> Cow<'_, [u8]> {
        match self {
            TextEncoding::Utf8 => Cow::Borrowed(text.as_bytes()),
            TextEncoding::Gbk => encoding_rs::GBK.encode(text).0,
            TextEncoding::Gb18030 => encoding_rs::GB18030.encode(text).0,
        }
    }

    /// `text` encoded, cut to at most `max` bytes at a character boundary
    /// (for fixed-size buffers such as `wxface_error.message`).
    pub fn encode_within(self, text: &str, max: usize) -> Vec<u8> {
        let mut end = text.len();
        loop {
            let encoded = self.encode(&text[..end]);
            if encoded.len() <= max {
                return encoded.into_owned();
            }
            // Each character takes at least one byte in every encoding
            // here, so dropping the excess in characters is enough to
            // reach `max` in a few rounds.
            let excess = encoded.len() - max;
            let mut cut = end.saturating_sub(excess);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            end = cut.min(end - 1);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Gbk => "GBK",
            TextEncoding::Gb18030 => "GB18030",
        }
    }
}

/// A caller's string may not hold a NUL character: a C string cannot, so
/// no C caller or binding could pass the same value, and the Rust API
/// gives the same answer they get.
pub(crate) fn no_nul(what: &str, value: &str) -> Result<()> {
    if value.contains('\0') {
        return Err(Error::invalid_argument(what, "contains a NUL character"));
    }
    Ok(())
}

/// A required argument: not empty, no NUL character.
pub(crate) fn required(what: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid_argument(what, "must not be empty"));
    }
    no_nul(what, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_names_decode_to_the_same_text_as_utf8() {
        let gbk = [0xD5, 0xC5, 0xC8, 0xFD]; // 张三
        assert_eq!(TextEncoding::Gbk.decode(&gbk, "name").unwrap(), "张三");
    }

    #[test]
    fn malformed_bytes_are_an_error_not_a_replacement() {
        let e = TextEncoding::Utf8
            .decode(&[0xFF, 0xFE], "name")
            .unwrap_err();
        assert_eq!(e.code, Code::InvalidEncoding);
        assert!(TextEncoding::Gbk.decode(&[0xD5], "name").is_err());
    }

    #[test]
    fn text_encodes_to_the_bytes_a_gbk_program_reads() {
        assert_eq!(&*TextEncoding::Gbk.encode("张*"), &[0xD5, 0xC5, b'*']);
        assert_eq!(&*TextEncoding::Gb18030.encode("张*"), &[0xD5, 0xC5, b'*']);
        assert_eq!(&*TextEncoding::Utf8.encode("张*"), "张*".as_bytes());
    }

    #[test]
    fn what_gbk_lacks_comes_back_as_a_reference_and_gb18030_keeps_it() {
        assert_eq!(&*TextEncoding::Gbk.encode("a😀"), b"a&#128512;");
        let four = TextEncoding::Gb18030.encode("😀");
        assert_eq!(TextEncoding::Gb18030.decode(&four, "t").unwrap(), "😀");
    }

    #[test]
    fn encoded_text_is_cut_at_a_character_boundary_within_the_limit() {
        let text = "张".repeat(400);
        for enc in [TextEncoding::Utf8, TextEncoding::Gbk, TextEncoding::Gb18030] {
            let cut = enc.encode_within(&text, 511);
            assert!(cut.len() <= 511, "{enc:?}");
            assert!(enc.decode(&cut, "t").is_ok(), "{enc:?}");
        }
        assert_eq!(TextEncoding::Gbk.encode_within(&text, 511).len(), 510);
        assert_eq!(TextEncoding::Gbk.encode_within("ok", 511), b"ok");
    }
}
