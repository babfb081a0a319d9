//! Part 1: the first sync of the large mailbox into PostgreSQL.

use std::time::{Duration, Instant};

use switchboard_domain::mail::MailAccountId;

use crate::server::World;

/// Target: messages written per second by a first sync.
const TARGET_PER_SEC: f64 = 2_000.0;

/// The provider a round links.
#[derive(Clone, Copy)]
pub enum Provider {
    /// Outlook, linked On-Behalf-Of.
    Outlook,
    /// Gmail, linked through Google's consent over HTTP.
    Gmail,
}

/// Runs the rounds and prints the median; the last round's account stays linked (and synced).
pub async fn first_sync(world: &World, provider: Provider, rounds: usize) -> MailAccountId {
    let rounds = rounds.max(1);
    let mut results: Vec<(u64, Duration)> = Vec::with_capacity(rounds);
    let mut account = None;
    for round in 0..rounds {
        if let Some(previous) = account.take() {
            world.mail.unlink(&world.caller, previous).await.unwrap();
        }
        // The database's creation, or the previous round's mailbox and its removal, leave
        // pages for the kernel to write back: measured during that, a round came out at a
        // third of the next one's rate.
        crate::settle::write_back().await;
        let id = match provider {
            Provider::Outlook => {
                let assertion =
                    world.sandbox.microsoft_assertion(&world.mailbox, None, 3600).unwrap();
                world.mail.link_on_behalf_of(&world.caller, &assertion).await.unwrap().account.id
            }
            Provider::Gmail => world.link_over_http(&world.gmail).await,
        };
        let started = Instant::now();
        let outcome = world.mail.sync(id).await.unwrap();
        let took = started.elapsed();
        assert!(outcome.created > 0, "round {round} stored nothing: {outcome:?}");
        results.push((outcome.created, took));
        account = Some(id);
    }
    let rate = |(n, took): &(u64, Duration)| *n as f64 / took.as_secs_f64();
    results.sort_by(|a, b| rate(a).total_cmp(&rate(b)));
    let median = &results[results.len() / 2];
    let all: Vec<String> = results.iter().map(|r| format!("{:.0}", rate(r))).collect();
    println!(
        "  first {} sync into PostgreSQL {:>7.0} messages/s   {} messages in {:.2} s, median of \
         {rounds} (rounds: {})   target >= {TARGET_PER_SEC:.0}/s: {}",
        match provider {
            Provider::Outlook => "Outlook",
            Provider::Gmail => "Gmail",
        },
        rate(median),
        median.0,
        median.1.as_secs_f64(),
        all.join(", "),
        verdict(rate(median) >= TARGET_PER_SEC),
    );
    account.expect("at least one round")
}

/// How a figure compares with its target.
pub fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}
