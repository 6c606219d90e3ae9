//! Random tokens, hashes and the at-rest encryption of message bodies.
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chacha20poly1305::{aead::Aead, KeyInit, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, Rng, RngCore};
use sha2::{Digest, Sha256};

/// 256 random bits from the OS, URL-safe: session tokens, reset-flow tokens, links.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// A uniformly random 6-digit code from the OS CSPRNG.
pub fn random_code() -> String {
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

/// A uniformly random number below `n` from the OS CSPRNG.
pub fn random_below(n: u32) -> u32 {
    OsRng.gen_range(0..n)
}

/// An example passphrase to suggest, from ThreadRng (a CSPRNG seeded from
/// the OS): pages make one per answer, without a system call per word.
pub fn example_passphrase() -> String {
    model::validation::password::passphrase(|n| rand::thread_rng().gen_range(0..n))
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Keys derived from the one server secret, each for one purpose.
#[derive(Clone)]
pub struct Keys {
    codes: [u8; 32],
    messages: [u8; 32],
    audit: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

fn derive(secret: &[u8], purpose: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("any key length");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

impl Keys {
    pub fn from_secret(secret: &[u8]) -> Self {
        Keys { codes: derive(secret, "surel/codes/v1"), messages: derive(secret, "surel/messages/v1"), audit: derive(secret, "surel/audit/v1") }
    }

    /// HMAC of one audit row's canonical form: without the server secret
    /// nobody can write a row (or a whole new chain) that verifies.
    pub fn audit_mac(&self, canonical: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.audit).expect("32 bytes");
        mac.update(canonical);
        hex::encode(mac.finalize().into_bytes())
    }

    /// HMAC of a one-time code bound to its context (attempt, purpose): what the
    /// database stores instead of the code.
    pub fn code_mac(&self, context: &str, code: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.codes).expect("32 bytes");
        mac.update(context.as_bytes());
        mac.update(b"\0");
        mac.update(code.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Constant-time comparison of a code against its stored HMAC.
    pub fn code_matches(&self, context: &str, code: &str, stored: &str) -> bool {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.codes).expect("32 bytes");
        mac.update(context.as_bytes());
        mac.update(b"\0");
        mac.update(code.as_bytes());
        match hex::decode(stored) {
            Ok(bytes) => mac.verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }

    pub fn seal(&self, plaintext: &str) -> String {
        let cipher = XChaCha20Poly1305::new((&self.messages).into());
        let mut nonce = [0u8; 24];
        OsRng.fill_bytes(&mut nonce);
        let ct = cipher.encrypt(XNonce::from_slice(&nonce), plaintext.as_bytes()).expect("encryption cannot fail");
        let mut out = nonce.to_vec();
        out.extend(ct);
        URL_SAFE_NO_PAD.encode(out)
    }

    pub fn open(&self, sealed: &str) -> Option<String> {
        let raw = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if raw.len() < 24 {
            return None;
        }
        let cipher = XChaCha20Poly1305::new((&self.messages).into());
        let pt = cipher.decrypt(XNonce::from_slice(&raw[..24]), &raw[24..]).ok()?;
        String::from_utf8(pt).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_tokens_unique() {
        for _ in 0..100 {
            let c = random_code();
            assert_eq!(c.len(), 6);
            assert!(c.chars().all(|d| d.is_ascii_digit()));
        }
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 43);
    }

    #[test]
    fn code_macs_bind_context() {
        let k = Keys::from_secret(b"test secret");
        let m = k.code_mac("reset:1", "123456");
        assert!(k.code_matches("reset:1", "123456", &m));
        assert!(!k.code_matches("reset:2", "123456", &m));
        assert!(!k.code_matches("reset:1", "123457", &m));
        assert!(!m.contains("123456"));
        let other = Keys::from_secret(b"another secret");
        assert!(!other.code_matches("reset:1", "123456", &m));
    }

    #[test]
    fn sealed_messages_round_trip_and_hide_text() {
        let k = Keys::from_secret(b"s");
        let sealed = k.seal("Kode Surel: 123456");
        assert!(!sealed.contains("123456"));
        assert_eq!(k.open(&sealed).as_deref(), Some("Kode Surel: 123456"));
        assert_eq!(Keys::from_secret(b"t").open(&sealed), None);
        assert_eq!(k.open("garbage"), None);
    }
}
