//! Argon2id hashing in Dovecot's `{ARGON2ID}` format, on a few low-priority
//! threads of its own that keep Argon2's working memory between hashes.
use argon2::{
    password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString},
    Algorithm, Argon2, Block, Params, Version,
};
use std::sync::{Arc, Mutex, OnceLock};

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

/// How much lower than the rest of the server hashing threads run unless
/// configured otherwise (Linux nice steps, 0 to 19; `SUREL_HASH_NICE`).
/// A hash is 20 ms of pure CPU that nobody waits on but its one requester;
/// the database work between hashes (a reset's transaction holds the audit
/// chain's lock) and page views are what everyone else waits on. Ten steps
/// lower, the scheduler gives a runnable server thread about ten times a
/// hashing thread's share: the chain's lock is released sooner and hashing
/// fills the idle time. Hashing still progresses under load (nice is a
/// weight, not an idle class).
pub const DEFAULT_HASH_NICE: i32 = 10;

/// A hash to run; what it returns hands the result to its caller, which
/// the thread does only after its memory is back in the pool (so the next
/// hash finds it there).
type Job = Box<dyn FnOnce(&mut Memory) -> Box<dyn FnOnce() + Send> + Send>;

/// Hashes on `n` threads of its own, `nice` steps below the server (see
/// [`DEFAULT_HASH_NICE`]), so a burst of logins cannot starve the async
/// workers or exhaust memory; the `n` keep their Argon2 memories for the
/// next hash. The threads end when the last clone
/// is dropped.
#[derive(Clone)]
pub struct Hasher {
    jobs: std::sync::mpsc::Sender<Job>,
    memories: Arc<Mutex<Vec<Memory>>>,
}

impl Hasher {
    pub fn new(concurrency: usize, nice: i32) -> Self {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let memories: Arc<Mutex<Vec<Memory>>> = Arc::default();
        for i in 0..concurrency.max(1) {
            let (queue, memories) = (queue.clone(), memories.clone());
            std::thread::Builder::new()
                .name(format!("surel-hash-{i}"))
                .spawn(move || {
                    lower_this_threads_priority(nice);
                    loop {
                        // the guard is dropped before the job runs
                        let Ok(job) = queue.lock().expect("hash queue lock").recv() else { return };
                        // a memory kept by the pool, not by the thread: one
                        // hash at a time reuses the same one
                        let mut memory = memories.lock().expect("memories lock").pop().unwrap_or_default();
                        // a panicking job drops its result sender (its caller
                        // panics) and its memory; the thread serves on
                        if let Ok(deliver) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut memory))) {
                            memories.lock().expect("memories lock").push(memory);
                            deliver();
                        }
                    }
                })
                .expect("spawning a hashing thread");
        }
        Hasher { jobs, memories }
    }

    /// Runs `f` on a hashing thread with a kept memory (a new one the first
    /// `n` times, or after a job panicked with one).
    async fn run<T: Send + 'static>(&self, f: impl FnOnce(&mut Memory) -> T + Send + 'static) -> T {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |m| {
            let out = f(m);
            Box::new(move || {
                let _ = tx.send(out);
            })
        });
        self.jobs.send(job).expect("hashing threads run while a Hasher exists");
        rx.await.expect("hash task")
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

/// The calling thread `steps` below the thread that made it (at most nice
/// 19; 0 leaves it as it is). On Linux a thread's nice value is its own
/// (setpriority's "process" 0 is the calling thread) and a new thread
/// inherits its maker's. Elsewhere, or if the call is refused, hashing runs
/// at normal priority.
#[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
fn lower_this_threads_priority(steps: i32) {
    #[cfg(target_os = "linux")]
    if steps > 0 {
        let nice = (this_threads_nice() + steps).min(19);
        // SAFETY: setpriority reads no memory of ours; 0 is the calling thread.
        if unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, nice) } != 0 {
            tracing::warn!(error = %std::io::Error::last_os_error(), "hashing threads run at normal priority");
        }
    }
}

/// The calling thread's nice value (Linux; -20 to 19, so it cannot fail for
/// the calling thread).
#[cfg(target_os = "linux")]
fn this_threads_nice() -> i32 {
    // SAFETY: getpriority reads no memory of ours; 0 is the calling thread.
    unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }
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
        let hasher = Hasher::new(2, DEFAULT_HASH_NICE);
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

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashes_run_below_the_servers_priority() {
        let hasher = Hasher::new(1, DEFAULT_HASH_NICE);
        let (mine, hashing) = (this_threads_nice(), hasher.run(|_| this_threads_nice()).await);
        assert_eq!(hashing, (mine + DEFAULT_HASH_NICE).min(19), "server thread at {mine}, hashing at {hashing}");
        assert!(hashing > mine || mine == 19, "hashing yields to the server's threads");
        let unchanged = Hasher::new(1, 0);
        assert_eq!(unchanged.run(|_| this_threads_nice()).await, mine, "0 leaves hashing at the server's priority");
        let name = hasher.run(|_| std::thread::current().name().map(str::to_string)).await;
        assert_eq!(name.as_deref(), Some("surel-hash-0"));
    }

    #[tokio::test]
    async fn a_panicking_job_leaves_the_pool_working() {
        let hasher = Hasher::new(1, DEFAULT_HASH_NICE);
        let h = hasher.clone();
        let failed = tokio::spawn(async move { h.run(|_| -> u8 { panic!("a job that fails") }).await }).await;
        assert!(failed.is_err(), "the caller hears of it");
        let h = hasher.hash("sandi-yang-panjang-sekali".into()).await;
        assert!(hasher.verify("sandi-yang-panjang-sekali".into(), Some(h)).await, "the one thread still hashes");
    }
}
