//! The sandbox's chat generator, compiled in from `crates/sandbox/src/data` unchanged (its
//! channel specs, templates, people, times and generation loop), so the quality test reads
//! the very posts `make run` serves. Only the workspace model of `data/mod.rs` is restated
//! here (that file also declares the mail generator, which needs the web stack); a change to
//! it that the generator relies on breaks this build rather than passing unnoticed.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta};
use switchboard_domain::analytics::TimeWindow;

use super::{Case, Post};

/// The provider whose workspace to generate (the sandbox's `crate::Provider`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Slack,
    Mattermost,
}

pub mod data;

use data::generate::{GenConfig, generate};
use data::rng::Rng;
use data::specs::Lang;
use data::text::{Shape, compose};

/// Words of the sandbox's chatter in `lang`: its filler and reply templates, and its topic
/// templates without their topic, rendered many times.
fn chatter(lang: Lang) -> HashSet<String> {
    let mut rng = Rng::new(99, 7);
    let mut words = HashSet::new();
    for i in 0..3_000 {
        let shape = match i % 3 {
            0 => Shape::Filler,
            1 => Shape::Reply(None),
            _ => Shape::Topic(""),
        };
        let text = compose(&mut rng, lang, shape, "@someone");
        words.extend(
            text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase),
        );
    }
    words
}

/// One window per channel with hot topics: the last day of the sandbox's default workspace
/// (4,000 posts a channel, 40 people) for `seed`, against the 7 days before, as the stored
/// statistics read them. Deleted posts are left out, as the store leaves them out.
pub fn cases(seeds: &[u64]) -> Vec<Case> {
    let now = DateTime::from_timestamp(1_733_400_000, 0).unwrap_or_default();
    let mut cases = Vec::new();
    for &seed in seeds {
        for provider in [Provider::Slack, Provider::Mattermost] {
            let config = GenConfig {
                seed,
                now_us: now.timestamp_micros(),
                posts_per_channel: 4000,
                people: 40,
            };
            let workspace = generate(provider, &config);
            let specs = data::specs::channels(provider);
            for (channel, spec) in workspace.channels.iter().zip(specs) {
                if channel.hot_topics.is_empty() || channel.archived_us.is_some() {
                    continue;
                }
                let window = TimeWindow::ending_at(now, TimeDelta::days(1));
                let from = window.start - TimeDelta::days(7);
                let posts = channel
                    .posts
                    .iter()
                    .filter(|p| p.is_live())
                    .filter_map(|p| {
                        let at = DateTime::from_timestamp_micros(p.created_us)?;
                        (at >= from && at < window.end).then(|| Post {
                            author: workspace.users[p.user].username.clone(),
                            text: p.text.clone(),
                            posted_at: at,
                        })
                    })
                    .collect();
                let planted: Vec<String> =
                    channel.hot_topics.iter().map(|t| t.to_lowercase()).collect();
                let topic_words: HashSet<String> = channel
                    .topics
                    .iter()
                    .chain(&channel.hot_topics)
                    .flat_map(|t| t.split(' '))
                    .map(str::to_lowercase)
                    .collect();
                let mut chatter = chatter(spec.lang);
                chatter.retain(|w| !topic_words.contains(w));
                cases.push(Case {
                    label: format!("seed {seed} {provider:?} #{}", channel.name),
                    posts,
                    window,
                    planted,
                    chatter,
                });
            }
        }
    }
    cases
}
