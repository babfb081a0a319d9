//! Hot-topic quality on generated channels: recall of the planted topics in the top 10, how
//! often the first phrase is a planted topic, and whether chatter ever ranks above a planted
//! topic; ours against a small YAKE over the same posts.
//!
//! Four generators, written apart so that no rule is tuned to one of them: the sandbox's own
//! chat generator (compiled in from `crates/sandbox`, see [`sandbox`]), an office-chat
//! generator written for this test ([`office`]), and, written later without reading the
//! ranking, an open-source community channel ([`community`]) and a site-reliability team's
//! on-call channel in English and French ([`oncall`]).

pub mod community;
pub mod office;
pub mod oncall;
pub mod sandbox;
pub mod yake;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use switchboard_domain::analytics::{ChatMessage, TimeWindow, hot_topics};

/// An owned post.
#[derive(Debug, Clone)]
pub struct Post {
    pub author: String,
    pub text: String,
    pub posted_at: DateTime<Utc>,
}

/// One window to rank: the window's posts and the week before, with what was planted.
#[derive(Debug)]
pub struct Case {
    pub label: String,
    /// The window's posts and the 7 days before it.
    pub posts: Vec<Post>,
    pub window: TimeWindow,
    /// Topics planted in the window (lowercase).
    pub planted: Vec<String>,
    /// Words of the chatter (templates without a topic), lowercase: a phrase made only of
    /// them, that is no planted topic, is chatter.
    pub chatter: HashSet<String>,
}

impl Case {
    /// The case of `window`: of `posts`, those of the window and of the 7 days before it.
    pub fn of_window(
        label: String,
        posts: &[Post],
        window: TimeWindow,
        planted: Vec<String>,
        chatter: &HashSet<String>,
    ) -> Self {
        let from = window.start - chrono::TimeDelta::days(7);
        let posts = posts
            .iter()
            .filter(|p| p.posted_at >= from && p.posted_at < window.end)
            .cloned()
            .collect();
        Self { label, posts, window, planted, chatter: chatter.clone() }
    }

    pub fn messages(&self) -> Vec<ChatMessage<'_>> {
        self.posts.iter().map(|p| ChatMessage::new(&p.author, &p.text, p.posted_at)).collect()
    }

    fn window_texts(&self) -> Vec<&str> {
        let mut posts: Vec<&Post> =
            self.posts.iter().filter(|p| self.window.contains(p.posted_at)).collect();
        posts.sort_by_key(|p| p.posted_at);
        posts.iter().map(|p| p.text.as_str()).collect()
    }

    fn is_chatter(&self, phrase: &str) -> bool {
        !self.planted.iter().any(|p| p == phrase)
            && phrase.split(' ').all(|w| self.chatter.contains(w))
    }
}

/// What one ranking method achieved over a set of cases.
#[derive(Debug, Default, Clone)]
pub struct Score {
    pub planted: usize,
    pub found: usize,
    /// Windows with at least one planted topic.
    pub windows: usize,
    pub first_hits: usize,
    /// Windows where a chatter phrase ranks above a planted topic, with the phrase.
    pub chatter_above: Vec<String>,
}

impl Score {
    pub fn recall(&self) -> f64 {
        if self.planted == 0 { 0.0 } else { self.found as f64 / self.planted as f64 }
    }

    fn add(&mut self, case: &Case, ranked: &[String]) {
        let top: Vec<&String> = ranked.iter().take(10).collect();
        if case.planted.is_empty() {
            return;
        }
        self.windows += 1;
        self.planted += case.planted.len();
        self.found += case.planted.iter().filter(|p| top.contains(p)).count();
        if ranked.first().is_some_and(|f| case.planted.contains(f)) {
            self.first_hits += 1;
        }
        // Nothing chatter may rank above the last planted topic, and a planted topic left out
        // ranks below every phrase shown.
        let all_shown = case.planted.iter().all(|p| ranked.contains(p));
        let last = if all_shown {
            ranked.iter().rposition(|r| case.planted.contains(r)).unwrap_or(0)
        } else {
            ranked.len()
        };
        for phrase in &ranked[..last] {
            if case.is_chatter(phrase) {
                self.chatter_above.push(format!("{}: {phrase:?}", case.label));
            }
        }
    }
}

/// Ours and YAKE over `cases`; prints each window when `verbose`.
pub fn evaluate(name: &str, cases: &[Case], verbose: bool) -> (Score, Score) {
    let (mut ours, mut yake) = (Score::default(), Score::default());
    for case in cases {
        let messages = case.messages();
        let ranked: Vec<String> =
            hot_topics(&messages, case.window, 10).into_iter().map(|t| t.phrase).collect();
        let baseline = yake::keywords(&case.window_texts(), 10);
        if verbose {
            println!("{name} {}: planted {:?}", case.label, case.planted);
            println!("  ours {ranked:?}");
            println!("  yake {baseline:?}");
        }
        ours.add(case, &ranked);
        yake.add(case, &baseline);
    }
    (ours, yake)
}

/// One line per method, as the docs quote it.
pub fn report(name: &str, ours: &Score, yake: &Score) -> String {
    let line = |who: &str, s: &Score| {
        format!(
            "{name:<9} {who:<4} recall@10 {:.2} ({}/{})  #1 planted {}/{}  chatter above a planted topic: {}",
            s.recall(),
            s.found,
            s.planted,
            s.first_hits,
            s.windows,
            s.chatter_above.len()
        )
    };
    format!("{}\n{}", line("ours", ours), line("yake", yake))
}
