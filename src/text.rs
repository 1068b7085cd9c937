//! Decoding caller strings: UTF-8, or GBK/GB18030 from legacy HIS systems.

use crate::error::{Code, Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputEncoding {
    Utf8,
    Gbk,
    Gb18030,
}

impl InputEncoding {
    pub fn parse(s: &str) -> Option<InputEncoding> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Some(InputEncoding::Utf8),
            "gbk" | "cp936" => Some(InputEncoding::Gbk),
            "gb18030" => Some(InputEncoding::Gb18030),
            _ => None,
        }
    }

    /// Decodes `bytes`; any malformed sequence is an error naming `what`,
    /// never a replacement character that would change the MD5 silently.
    pub fn decode(self, bytes: &[u8], what: &str) -> Result<String> {
        let decoded = match self {
            InputEncoding::Utf8 => std::str::from_utf8(bytes).ok().map(str::to_owned),
            // encoding_rs decodes GBK labels with its GB18030 decoder (a
            // superset); the difference only matters for encoding.
            InputEncoding::Gbk | InputEncoding::Gb18030 => encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|c| c.into_owned()),
        };
        decoded.ok_or_else(|| {
            Error::new(
                Code::InvalidEncoding,
                format!("{what}: not valid {}", self.label()),
            )
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            InputEncoding::Utf8 => "UTF-8",
            InputEncoding::Gbk => "GBK",
            InputEncoding::Gb18030 => "GB18030",
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
        assert_eq!(InputEncoding::Gbk.decode(&gbk, "name").unwrap(), "张三");
    }

    #[test]
    fn malformed_bytes_are_an_error_not_a_replacement() {
        let e = InputEncoding::Utf8
            .decode(&[0xFF, 0xFE], "name")
            .unwrap_err();
        assert_eq!(e.code, Code::InvalidEncoding);
        assert!(InputEncoding::Gbk.decode(&[0xD5], "name").is_err());
    }
}
