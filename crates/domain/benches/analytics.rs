//! Summary and representative messages over a window of 10,000 posts (target: 100 ms or less
//! each), plus hot topics and pulse for reference.

use std::hint::black_box;

use chrono::TimeDelta;
use criterion::{Criterion, criterion_main};
use switchboard_domain::analytics::{
    LexRankOptions, hot_topics, most_active, pulse, representative_messages, summary,
};

#[path = "../tests/corpus/mod.rs"]
mod corpus;

fn analytics(c: &mut Criterion) {
    // 30 days of history at 1,000 posts a day, then a window of 10,000 posts.
    let channel = corpus::channel(7, 30, 1_000, 10_000, 3);
    let messages = channel.messages();
    let window = channel.window;
    let options = LexRankOptions::default();
    // One thread per core, as the server's analytics pool (built once, outside the timing).
    let Ok(pool) = rayon::ThreadPoolBuilder::new().build() else {
        return;
    };
    let mut group = c.benchmark_group("window_10k");
    group.sample_size(20);
    group.bench_function("representative_messages", |b| {
        b.iter(|| representative_messages(black_box(&messages), window, &options, &pool));
    });
    group.bench_function("summary", |b| {
        b.iter(|| summary(black_box(&messages), window, &options, &pool))
    });
    group.bench_function("hot_topics_30d_history", |b| {
        b.iter(|| hot_topics(black_box(&messages), window, 10));
    });
    group.bench_function("most_active", |b| {
        b.iter(|| most_active(black_box(&messages), window, 10))
    });
    group.bench_function("pulse_hourly", |b| {
        b.iter(|| pulse(black_box(&messages), window, TimeDelta::hours(1)));
    });
    group.finish();
}

// criterion_group! defines a pub fn; a private module keeps it out of the documented surface.
mod group {
    use criterion::criterion_group;
    criterion_group!(benches, super::analytics);
}
criterion_main!(group::benches);
