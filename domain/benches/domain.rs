//! `make bench` (domain part): the costly rules on the request path, timed
//! without a browser. Prints the median and 95th percentile of each.
//! A plain timer keeps the build small; numbers are per call.

use std::time::{Duration, Instant};

use domain::{password_policy, passwords};
use model::validation::{nip, password::Personal, phone, Ymd};

fn measure(name: &str, iterations: usize, mut f: impl FnMut()) {
    f(); // warm-up: lazy tables, page faults
    let mut samples: Vec<Duration> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    samples.sort();
    let median = samples[samples.len() / 2];
    let p95 = samples[(samples.len() * 95 / 100).min(samples.len() - 1)];
    println!("{name:<44} median {:>10.3?}   p95 {:>10.3?}   ({iterations} runs)", median, p95);
}

/// Hashes a second on one thread, then on one thread per core at once: the
/// floor of the cluster bench's burst (N resets need N hashes; on this
/// machine's cores at once they cannot finish sooner than N / that rate).
fn hashes_per_second() {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let per_thread = 30;
    let run = |threads: usize| {
        let start = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    let mut memory = passwords::Memory::default();
                    for _ in 0..per_thread {
                        std::hint::black_box(passwords::hash_with("damai-Pelita-ombak-3-rotan", &mut memory));
                    }
                });
            }
        });
        (threads * per_thread) as f64 / start.elapsed().as_secs_f64()
    };
    let (one, all) = (run(1), run(cores));
    println!(
        "{:<44} {one:.0}/s on one thread, {all:.0}/s on {cores} at once ({:.2}x): 50 hashes need at least {:.0} ms",
        "argon2id hashes a second",
        all / one,
        50.0 / all * 1000.0
    );
}

fn main() {
    let who = Personal { address: "budi.santoso@batam.go.id", name: Some("Budi Santoso, S.Kom"), nip: Some("197611231995111002") };
    let today = Ymd { year: 2026, month: 11, day: 23 };
    let hash = passwords::hash_now("damai-Pelita-ombak-3-rotan");

    measure("argon2id hash, fresh memory (m=19456, t=2)", 20, || {
        std::hint::black_box(passwords::hash_now("damai-Pelita-ombak-3-rotan"));
    });
    // what the server's Hasher does: each of its workers keeps its 19 MiB
    let mut memory = passwords::Memory::default();
    measure("argon2id hash, kept memory (the server)", 20, || {
        std::hint::black_box(passwords::hash_with("damai-Pelita-ombak-3-rotan", &mut memory));
    });
    measure("argon2id verify, kept memory (the server)", 20, || {
        assert!(passwords::verify_with("damai-Pelita-ombak-3-rotan", &hash, &mut memory));
    });
    hashes_per_second();
    measure("new-password check (list + zxcvbn + personal)", 200, || {
        std::hint::black_box(password_policy::check_new_password("damai-Pelita-ombak-3-rotan", "damai-Pelita-ombak-3-rotan", 15, &who));
    });
    measure("common-password lookup (120k list)", 10_000, || {
        std::hint::black_box(password_policy::is_common("password1234567"));
    });
    measure("NIP parse and check", 10_000, || {
        std::hint::black_box(nip::parse_nip("197611231995111002", today).is_ok());
    });
    measure("phone normalise to E.164", 10_000, || {
        std::hint::black_box(phone::normalize_phone("0812-7100-0001").is_ok());
    });
}
