//! Argon2id hashing in Dovecot's `{ARGON2ID}` format, on a bounded blocking pool.
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

/// Dovecot's scheme prefix; the rest is the PHC string the `argon2` crate writes.
pub const SCHEME: &str = "{ARGON2ID}";

fn argon2() -> Argon2<'static> {
    // OWASP's second recommended setting: m=19 MiB, t=2, p=1 (Dovecot verifies p=1).
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(19_456, 2, 1, None).expect("valid params"))
}

/// Hashes synchronously; prefer [`Hasher::hash`] on the server.
pub fn hash_now(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    let phc = argon2().hash_password(password.as_bytes(), &salt).expect("hashing cannot fail").to_string();
    format!("{SCHEME}{phc}")
}

/// Verifies synchronously against a stored `{ARGON2ID}$argon2id$…` string.
pub fn verify_now(password: &str, stored: &str) -> bool {
    let phc = stored.strip_prefix(SCHEME).unwrap_or(stored);
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash of nothing in particular: verifying against it costs what a real check
/// costs, so unknown accounts take as long as known ones.
fn dummy_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| hash_now("surel-dummy-password-for-timing"))
}

/// Runs hashes on tokio's blocking pool, at most `n` at once, so a burst of
/// logins cannot starve the async workers or exhaust memory.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
}

impl Hasher {
    pub fn new(concurrency: usize) -> Self {
        Hasher { permits: Arc::new(Semaphore::new(concurrency.max(1))) }
    }

    pub async fn hash(&self, password: String) -> String {
        let _permit = self.permits.acquire().await.expect("semaphore never closed");
        tokio::task::spawn_blocking(move || hash_now(&password)).await.expect("hash task")
    }

    /// `None` for the stored hash means "no such account": the dummy hash is
    /// checked instead and the answer is false.
    pub async fn verify(&self, password: String, stored: Option<String>) -> bool {
        let _permit = self.permits.acquire().await.expect("semaphore never closed");
        tokio::task::spawn_blocking(move || match stored {
            Some(h) => verify_now(&password, &h),
            None => {
                let _ = verify_now(&password, dummy_hash());
                false
            }
        })
        .await
        .expect("verify task")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_dovecot_compatible_phc() {
        let h = hash_now("kopi-senja-pelangi-7");
        assert!(h.starts_with("{ARGON2ID}$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_now("kopi-senja-pelangi-7", &h));
        assert!(!verify_now("kopi-senja-pelangi-8", &h));
        assert!(!verify_now("x", "not a hash"));
    }

    #[tokio::test]
    async fn pool_verifies_and_fakes_unknown_accounts() {
        let hasher = Hasher::new(2);
        let h = hasher.hash("sandi-yang-panjang-sekali".into()).await;
        assert!(hasher.verify("sandi-yang-panjang-sekali".into(), Some(h)).await);
        assert!(!hasher.verify("sandi-yang-panjang-sekali".into(), None).await);
    }
}
