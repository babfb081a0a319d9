//! The time of one argon2id hash with the OWASP parameters the server uses by default: the
//! yardstick of the login throughput target (cores ÷ this time).

#![expect(missing_docs, clippy::unwrap_used, reason = "criterion entry points")]

use std::hint::black_box;

use argon2::{Algorithm, Argon2, Block, Params, Version};
use criterion::{Criterion, criterion_group, criterion_main};

fn hash(c: &mut Criterion) {
    let params = Params::new(19_456, 2, 1, None).unwrap();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let salt = *b"switchboard-salt";
    let mut out = [0u8; 32];
    let mut group = c.benchmark_group("argon2id");
    group.sample_size(20);
    group.bench_function("hash_owasp_m19456_t2_p1", |b| {
        b.iter(|| {
            argon2.hash_password_into(black_box(b"correct horse battery"), &salt, &mut out).unwrap()
        });
    });
    // What the server's hashing threads do: the same hash in blocks kept between hashes (no
    // allocation, page faults or zeroing). Not the yardstick; shown to explain the difference.
    let mut memory = vec![Block::default(); 19_456];
    group.bench_function("hash_owasp_m19456_t2_p1_kept_memory", |b| {
        b.iter(|| {
            argon2
                .hash_password_into_with_memory(
                    black_box(b"correct horse battery"),
                    &salt,
                    &mut out,
                    &mut memory,
                )
                .unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, hash);
criterion_main!(benches);
