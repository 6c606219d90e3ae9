//! Argon2id hashing in Dovecot's `{ARGON2ID}` format, on a bounded blocking
//! pool that keeps Argon2's working memory between hashes.
use argon2::{
    password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString},
    Algorithm, Argon2, Block, Params, Version,
};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::Semaphore;

/// Dovecot's scheme prefix; the rest is the PHC string the `argon2` crate writes.
pub const SCHEME: &str = "{ARGON2ID}";

fn params() -> Params {
    // OWASP's second recommended setting: m=19 MiB, t=2, p=1 (Dovecot verifies p=1).
    Params::new(19_456, 2, 1, None).expect("valid params")
}

/// Argon2's working memory (1 KiB blocks, 19 MiB for [`params`]). Reused:
/// a fresh 19 MiB per hash costs more in page faults than the hash itself,
/// and glibc keeps freed blocks resident (50 resets at once left two
/// instances at 1.2 GiB).
#[derive(Default)]
pub struct Memory(Vec<Block>);

impl Memory {
    /// The first `params.block_count()` blocks, grown once if a stored hash
    /// asks for more. Argon2 writes every block before reading it, so what
    /// an earlier hash left there does not matter.
    fn blocks(&mut self, params: &Params) -> &mut [Block] {
        let n = params.block_count();
        if self.0.len() < n {
            self.0.resize(n, Block::default());
        }
        &mut self.0[..n]
    }
}

/// Hashes with `memory` as Argon2's working memory.
pub fn hash_with(password: &str, memory: &mut Memory) -> String {
    let params = params();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf).expect("a generated salt decodes");
    let hash = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        argon2.hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, memory.blocks(&params)).map_err(Into::into)
    })
    .expect("hashing cannot fail");
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).expect("valid params"),
        salt: Some(salt.as_salt()),
        hash: Some(hash),
    };
    format!("{SCHEME}{phc}")
}

/// Verifies against a stored `{ARGON2ID}$argon2id$…` string (its own
/// parameters), with `memory` as Argon2's working memory.
pub fn verify_with(password: &str, stored: &str, memory: &mut Memory) -> bool {
    let phc = stored.strip_prefix(SCHEME).unwrap_or(stored);
    let mut check = || -> argon2::password_hash::Result<bool> {
        let parsed = PasswordHash::new(phc)?;
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return Ok(false) };
        let algorithm = Algorithm::try_from(parsed.algorithm)?;
        let version = parsed.version.map(Version::try_from).transpose()?.unwrap_or_default();
        let params = Params::try_from(&parsed)?;
        let argon2 = Argon2::new(algorithm, version, params.clone());
        let mut salt_buf = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_buf)?;
        let actual = Output::init_with(expected.len(), |out| {
            argon2.hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, memory.blocks(&params)).map_err(Into::into)
        })?;
        // Output's equality is constant-time
        Ok(actual == expected)
    };
    check().unwrap_or(false)
}

/// Hashes synchronously (fresh memory); prefer [`Hasher::hash`] on the server.
pub fn hash_now(password: &str) -> String {
    hash_with(password, &mut Memory::default())
}

/// Verifies synchronously (fresh memory); prefer [`Hasher::verify`] on the server.
pub fn verify_now(password: &str, stored: &str) -> bool {
    verify_with(password, stored, &mut Memory::default())
}

/// A hash of nothing in particular: verifying against it costs what a real check
/// costs, so unknown accounts take as long as known ones.
fn dummy_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| hash_now("surel-dummy-password-for-timing"))
}

/// Runs hashes on tokio's blocking pool, at most `n` at once, so a burst of
/// logins cannot starve the async workers or exhaust memory; each of the `n`
/// keeps its Argon2 memory for the next hash.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    memories: Arc<Mutex<Vec<Memory>>>,
}

impl Hasher {
    pub fn new(concurrency: usize) -> Self {
        Hasher { permits: Arc::new(Semaphore::new(concurrency.max(1))), memories: Arc::default() }
    }

    /// Runs `f` on the blocking pool with a kept memory (a new one the first
    /// `n` times, or after a task panicked with one).
    async fn run<T: Send + 'static>(&self, f: impl FnOnce(&mut Memory) -> T + Send + 'static) -> T {
        let _permit = self.permits.acquire().await.expect("semaphore never closed");
        let mut memory = self.memories.lock().expect("memories lock").pop().unwrap_or_default();
        let (out, memory) = tokio::task::spawn_blocking(move || (f(&mut memory), memory)).await.expect("hash task");
        self.memories.lock().expect("memories lock").push(memory);
        out
    }

    pub async fn hash(&self, password: String) -> String {
        self.run(move |m| hash_with(&password, m)).await
    }

    /// `None` for the stored hash means "no such account": the dummy hash is
    /// checked instead and the answer is false.
    pub async fn verify(&self, password: String, stored: Option<String>) -> bool {
        self.run(move |m| match stored {
            Some(h) => verify_with(&password, &h, m),
            None => {
                let _ = verify_with(&password, dummy_hash(), m);
                false
            }
        })
        .await
    }

    /// How many working memories it keeps (at most its concurrency).
    pub fn memories_kept(&self) -> usize {
        self.memories.lock().expect("memories lock").len()
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
        assert!(!verify_now("kopi-senja-pelangi-7", "{ARGON2ID}$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ"), "no hash part");
    }

    #[test]
    fn reused_memory_gives_the_same_answers_and_reads_other_parameters() {
        let mut memory = Memory::default();
        let a = hash_with("kopi-senja-pelangi-7", &mut memory);
        let b = hash_with("kopi-senja-pelangi-7", &mut memory);
        assert_ne!(a, b, "a new salt each time");
        assert!(verify_with("kopi-senja-pelangi-7", &a, &mut memory));
        assert!(verify_with("kopi-senja-pelangi-7", &b, &mut memory));
        assert!(!verify_with("kopi-senja-pelangi-8", &a, &mut memory));
        // a hash written elsewhere with other settings (as imported from an old server)
        let other = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8_192, 3, 1, None).unwrap());
        let salt = SaltString::generate(&mut OsRng);
        let phc = argon2::PasswordHasher::hash_password(&other, b"rotan-damai-9", &salt).unwrap().to_string();
        assert!(verify_with("rotan-damai-9", &format!("{SCHEME}{phc}"), &mut memory));
        assert!(verify_with("rotan-damai-9", &phc, &mut memory), "without Dovecot's prefix too");
        assert!(!verify_with("rotan-damai-8", &phc, &mut memory));
        // and the crate's own verifier accepts what hash_with wrote
        let ours = PasswordHash::new(a.strip_prefix(SCHEME).unwrap()).unwrap();
        assert!(argon2::PasswordVerifier::verify_password(&Argon2::default(), b"kopi-senja-pelangi-7", &ours).is_ok());
    }

    #[tokio::test]
    async fn pool_verifies_and_fakes_unknown_accounts() {
        let hasher = Hasher::new(2);
        let h = hasher.hash("sandi-yang-panjang-sekali".into()).await;
        assert!(hasher.verify("sandi-yang-panjang-sekali".into(), Some(h)).await);
        assert!(!hasher.verify("sandi-yang-panjang-sekali".into(), None).await);
        assert_eq!(hasher.memories_kept(), 1, "one at a time: one memory, reused");
        let tasks: Vec<_> = (0..6)
            .map(|i| {
                tokio::spawn({
                    let h = hasher.clone();
                    async move { h.hash(format!("sandi-panjang-ke-{i}")).await }
                })
            })
            .collect();
        for t in tasks {
            assert!(t.await.unwrap().starts_with(SCHEME));
        }
        assert!(hasher.memories_kept() <= 2, "never more memories than hashes at once");
    }
}
