//! Content hashes (text hashes in the manifest, cache keys) and the one
//! hex encoding podgen writes them in.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// The SHA-256 of `bytes`, in lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    encode_hex(&Sha256::digest(bytes))
}

/// SHA-256 over several fields, each length-prefixed so that no two
/// different field lists hash alike ("ab","c" vs "a","bc").
pub fn fields(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    encode_hex(&h.finalize())
}

/// `bytes` as lower-case hex, two digits a byte.
pub fn encode_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_unambiguous() {
        assert_ne!(super::fields(&[b"ab", b"c"]), super::fields(&[b"a", b"bc"]));
        assert_eq!(
            super::hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hex_is_two_lower_case_digits_a_byte() {
        assert_eq!(super::encode_hex(&[0, 0x0f, 0xa0, 0xff]), "000fa0ff");
        assert_eq!(super::encode_hex(&[]), "");
    }
}
