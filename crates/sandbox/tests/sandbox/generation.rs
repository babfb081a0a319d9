//! The generated data: deterministic, large enough, with the planted topics where promised.

use std::time::Instant;

use switchboard_sandbox::{Provider, Sandbox};

use crate::support::fixed_now;

#[test]
fn the_same_seed_gives_the_same_data() {
    let build =
        |seed| Sandbox::builder().seed(seed).now(fixed_now()).posts_per_channel(300).build();
    let (a, b, c) = (build(1), build(1), build(2));
    for provider in [Provider::Slack, Provider::Mattermost] {
        assert_eq!(a.channels(provider), b.channels(provider));
        assert_eq!(a.users(provider), b.users(provider));
        assert_ne!(a.channels(provider), c.channels(provider));
    }
}

#[test]
fn the_default_size_is_tens_of_thousands_of_posts_and_quick_to_build() {
    let started = Instant::now();
    let sandbox = Sandbox::builder().now(fixed_now()).build();
    let elapsed = started.elapsed();
    let slack = sandbox.post_count(Provider::Slack);
    let mattermost = sandbox.post_count(Provider::Mattermost);
    // Reported, not asserted: timings depend on the machine.
    println!(
        "generated {} posts ({slack} Slack, {mattermost} Mattermost) in {:?} (build {:?})",
        slack + mattermost,
        sandbox.generation_time(),
        elapsed
    );
    assert!(slack + mattermost >= 40_000);
    for provider in [Provider::Slack, Provider::Mattermost] {
        let channels = sandbox.channels(provider);
        assert!(channels.len() >= 6);
        assert!(channels.iter().all(|c| !c.topics.is_empty()));
        assert!(sandbox.users(provider).len() >= 30);
    }
}
