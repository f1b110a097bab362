//! Content hashes, used for text hashes in the manifest and for cache keys.

use sha2::{Digest, Sha256};

/// Lower-case hex SHA-256 of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// SHA-256 over several fields, each length-prefixed so that no two
/// different field lists hash alike ("ab","c" vs "a","bc").
pub fn fields(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    to_hex(&h.finalize())
}

fn to_hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
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
}
