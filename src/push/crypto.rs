//! WeChat's message encryption: AES-256-CBC with IV = key[..16], PKCS#7
//! padding to 32-byte blocks, over `random16 || be32(len) || msg || appid`.
//!
//! Every check WeChat's own samples skip is made here: the padding must be
//! 1..=32 identical bytes, the length field must fit the plaintext, and the
//! appid tail must be ours. Decrypted bytes are wiped when dropped.

use aes::cipher::{block_padding::NoPadding, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine};
use zeroize::Zeroizing;

use crate::{Code, Error, Result};

/// WeChat pads to 32 bytes, not to the AES block size.
const PAD_BLOCK: usize = 32;
const RANDOM_LEN: usize = 16;
const LENGTH_LEN: usize = 4;

/// The EncodingAESKey is 43 random characters, so the last one usually has
/// non-zero low bits that a strict decoder refuses; WeChat's and Tencent's
/// samples ignore them, and so must we.
const KEY_ENGINE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

type Encryptor = cbc::Encryptor<aes::Aes256>;
type Decryptor = cbc::Decryptor<aes::Aes256>;

/// The 32-byte AES key from a 43-character EncodingAESKey.
pub fn decode_key(encoding_aes_key: &str) -> Result<Zeroizing<[u8; 32]>> {
    let invalid = || {
        Error::new(
            Code::Config,
            format!(
                "push_aes_key must be the 43-character EncodingAESKey from the WeChat console, got {}",
                crate::mask::secret(encoding_aes_key)
            ),
        )
    };
    if encoding_aes_key.len() != 43 || !encoding_aes_key.is_ascii() {
        return Err(invalid());
    }
    let bytes = Zeroizing::new(KEY_ENGINE.decode(encoding_aes_key).map_err(|_| invalid())?);
    let mut key = Zeroizing::new([0u8; 32]);
    if bytes.len() != key.len() {
        return Err(invalid());
    }
    key.copy_from_slice(&bytes);
    Ok(key)
}

/// Encrypts `msg` for `appid` and returns the base64 text WeChat puts in
/// `Encrypt`. `random` is the 16-byte prefix (fresh per message in real use).
pub fn encrypt(key: &[u8; 32], appid: &str, msg: &[u8], random: &[u8; 16]) -> Result<String> {
    let msg_len = u32::try_from(msg.len())
        .map_err(|_| Error::invalid_argument("push message", "longer than 4 GiB"))?;
    let unpadded = RANDOM_LEN + LENGTH_LEN + msg.len() + appid.len();
    let pad = PAD_BLOCK - unpadded % PAD_BLOCK;
    let mut buf = Zeroizing::new(Vec::with_capacity(unpadded + pad));
    buf.extend_from_slice(random);
    buf.extend_from_slice(&msg_len.to_be_bytes());
    buf.extend_from_slice(msg);
    buf.extend_from_slice(appid.as_bytes());
    // pad is 1..=32, so it fits a byte.
    buf.resize(unpadded + pad, pad as u8);
    let len = buf.len();
    let ciphertext = Encryptor::new(key.into(), (&iv(key)).into())
        .encrypt_padded_mut::<NoPadding>(&mut buf, len)
        .map_err(|_| Error::new(Code::Internal, "push encryption: buffer not block-aligned"))?;
    Ok(STANDARD.encode(ciphertext))
}

/// Decrypts the `Encrypt` text and returns the message, after checking the
/// padding, the length field and that the appid tail equals `appid`.
pub fn decrypt(key: &[u8; 32], appid: &str, encrypted: &str) -> Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(
        STANDARD
            .decode(encrypted)
            .map_err(|_| decrypt_error("Encrypt is not canonical base64"))?,
    );
    if buf.is_empty() || buf.len() % PAD_BLOCK != 0 {
        return Err(decrypt_error(
            "the ciphertext length is not a positive multiple of 32 bytes",
        ));
    }
    let plain = Decryptor::new(key.into(), (&iv(key)).into())
        .decrypt_padded_mut::<NoPadding>(&mut buf)
        .map_err(|_| decrypt_error("the ciphertext is not block-aligned"))?;

    let pad = usize::from(plain[plain.len() - 1]);
    if !(1..=PAD_BLOCK).contains(&pad)
        || plain[plain.len() - pad..]
            .iter()
            .any(|&b| usize::from(b) != pad)
    {
        return Err(decrypt_error("the PKCS#7 padding is invalid (wrong key?)"));
    }
    let content = &plain[..plain.len() - pad];
    if content.len() < RANDOM_LEN + LENGTH_LEN {
        return Err(decrypt_error("the plaintext is shorter than its header"));
    }
    let mut len_bytes = [0u8; LENGTH_LEN];
    len_bytes.copy_from_slice(&content[RANDOM_LEN..RANDOM_LEN + LENGTH_LEN]);
    let msg_start = RANDOM_LEN + LENGTH_LEN;
    let msg_end = usize::try_from(u32::from_be_bytes(len_bytes))
        .ok()
        .and_then(|n| msg_start.checked_add(n))
        .filter(|&end| end <= content.len())
        .ok_or_else(|| decrypt_error("the length field is larger than the plaintext"))?;
    if &content[msg_end..] != appid.as_bytes() {
        return Err(Error::new(
            Code::PushAppid,
            "the push was encrypted for another appid than the configured one",
        ));
    }
    Ok(Zeroizing::new(content[msg_start..msg_end].to_vec()))
}

fn iv(key: &[u8; 32]) -> [u8; 16] {
    let mut iv = [0u8; 16];
    iv.copy_from_slice(&key[..16]);
    iv
}

fn decrypt_error(why: &str) -> Error {
    Error::new(Code::PushDecrypt, format!("cannot decrypt the push: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tencent's public sample (PROTOCOL.md, "Push").
    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    const APPID: &str = "wxb11529c136998cb6";
    const MSG: &str = "我是中文abcd123";
    const ENCRYPTED: &str =
        "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";

    #[test]
    fn encrypt_reproduces_the_tencent_sample() {
        let key = decode_key(KEY).unwrap();
        let got = encrypt(&key, APPID, MSG.as_bytes(), b"aaaabbbbccccdddd").unwrap();
        assert_eq!(got, ENCRYPTED);
    }

    #[test]
    fn decrypt_opens_the_tencent_sample() {
        let key = decode_key(KEY).unwrap();
        assert_eq!(
            decrypt(&key, APPID, ENCRYPTED).unwrap().as_slice(),
            MSG.as_bytes()
        );
    }

    #[test]
    fn decode_key_accepts_nonzero_trailing_bits_and_rejects_wrong_lengths() {
        // 'G' leaves the low bits set: a strict decoder would refuse the sample key.
        assert!(decode_key(KEY).is_ok());
        assert_eq!(decode_key(&KEY[..42]).unwrap_err().code, Code::Config);
        assert_eq!(
            decode_key(&format!("{KEY}=")).unwrap_err().code,
            Code::Config
        );
        assert_eq!(
            decode_key(&KEY.replace('a', "*")).unwrap_err().code,
            Code::Config
        );
    }

    #[test]
    fn decrypt_rejects_another_appid() {
        let key = decode_key(KEY).unwrap();
        assert_eq!(
            decrypt(&key, "wx0000000000000000", ENCRYPTED)
                .unwrap_err()
                .code,
            Code::PushAppid
        );
    }

    #[test]
    fn padding_covers_whole_32_byte_blocks() {
        let key = decode_key(KEY).unwrap();
        for n in 0..70 {
            let msg = vec![b'x'; n];
            let enc = encrypt(&key, APPID, &msg, &[7; 16]).unwrap();
            assert_eq!(STANDARD.decode(&enc).unwrap().len() % 32, 0);
            assert_eq!(
                decrypt(&key, APPID, &enc).unwrap().as_slice(),
                msg.as_slice()
            );
        }
    }

    #[test]
    fn decrypt_error_messages_do_not_echo_the_ciphertext() {
        let key = decode_key(KEY).unwrap();
        let err = decrypt(&key, APPID, &ENCRYPTED[..40]).unwrap_err();
        assert_eq!(err.code, Code::PushDecrypt);
        assert!(!err.message.contains(&ENCRYPTED[..10]));
    }
}
