//! A deterministic generator of chat channels around known topics, shared by the tests, the
//! bench and the `analytics_dump` example (each includes this file with `#[path]`).
//!
//! A channel has standing topics, talked about every day, and planted topics, talked about
//! only in the window under study. Each topic has a key phrase and a key sentence (its gist);
//! its posts are built from the key sentence's words, topic words and filler, so a good
//! summary should echo the key sentences and good hot topics should name the planted phrases.

// Each includer uses a different part.
#![allow(dead_code)]

use chrono::{DateTime, TimeDelta, Utc};
use switchboard_domain::analytics::{ChatMessage, TimeWindow};

/// A topic of conversation.
pub struct Topic {
    pub phrase: &'static str,
    pub key_sentence: &'static str,
    pub words: &'static [&'static str],
}

pub const STANDING: [Topic; 4] = [
    Topic {
        phrase: "code review",
        key_sentence: "Please finish the code review queue before the weekly release branch is cut.",
        words: &["pull", "request", "reviewer", "approve", "comments", "branch", "merge"],
    },
    Topic {
        phrase: "coffee machine",
        key_sentence: "The coffee machine on the third floor is broken again and leaks water.",
        words: &["espresso", "kitchen", "beans", "mug", "floor", "water", "descale"],
    },
    Topic {
        phrase: "standup notes",
        key_sentence: "Standup notes are in the team wiki with blockers listed at the top.",
        words: &["blockers", "wiki", "yesterday", "sprint", "board", "tickets", "owner"],
    },
    Topic {
        phrase: "build server",
        key_sentence: "The build server queue is slow because the cache disk filled up overnight.",
        words: &["queue", "cache", "disk", "runner", "artifacts", "pipeline", "jenkins"],
    },
];

pub const PLANTED: [Topic; 4] = [
    Topic {
        phrase: "database migration",
        key_sentence: "The database migration to the new cluster runs on Saturday night with a rollback plan.",
        words: &["postgres", "schema", "replica", "downtime", "cluster", "rollback", "backup"],
    },
    Topic {
        phrase: "security audit",
        key_sentence: "The external security audit found two critical vulnerabilities in the login service.",
        words: &["vulnerability", "pentest", "tokens", "credentials", "patch", "cve", "auditors"],
    },
    Topic {
        phrase: "offsite venue",
        key_sentence: "The offsite venue near the lake is booked for the second week of June.",
        words: &["lake", "hotel", "travel", "agenda", "booking", "bus", "dinner"],
    },
    Topic {
        phrase: "réunion budgétaire",
        key_sentence: "La réunion budgétaire du trimestre est déplacée à jeudi matin avec la direction.",
        words: &[
            "trimestre",
            "direction",
            "dépenses",
            "prévisions",
            "comptable",
            "factures",
            "jeudi",
        ],
    },
];

const FILLER: [&str; 48] = [
    "meeting",
    "document",
    "issue",
    "team",
    "week",
    "update",
    "question",
    "problem",
    "idea",
    "version",
    "plan",
    "number",
    "report",
    "project",
    "customer",
    "email",
    "call",
    "change",
    "slides",
    "feedback",
    "deadline",
    "status",
    "budget",
    "design",
    "support",
    "release",
    "result",
    "process",
    "office",
    "morning",
    "afternoon",
    "evening",
    "weekend",
    "calendar",
    "manager",
    "client",
    "demo",
    "notes",
    "draft",
    "summary",
    "priority",
    "estimate",
    "risk",
    "goal",
    "metric",
    "dashboard",
    "laptop",
    "printer",
];

const OPENERS: [&str; 12] = [
    "I think",
    "Quick question:",
    "FYI",
    "Heads up,",
    "So",
    "Honestly",
    "Just checked,",
    "Reminder:",
    "Update:",
    "Also",
    "Hmm",
    "Not sure but",
];

const CHATTER: [&str; 14] = [
    "lol 😂",
    ":+1:",
    "thanks!",
    "ok",
    "sounds good to me",
    "brb, coffee ☕",
    "anyone around?",
    "haha yes",
    "merci !",
    "je suis d'accord avec toi",
    "on en parle demain ?",
    "🎉🎉🎉",
    "see https://example.com/wiki/page?id=42",
    "@channel ping",
];

const FIRST: [&str; 8] = ["Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Gina", "Hugo"];
const LAST: [&str; 5] = ["Martin", "Nguyen", "Okafor", "Petit", "Smith"];

/// SplitMix64: a tiny, good, deterministic generator.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// An owned post, for callers to borrow as [`ChatMessage`].
pub struct Post {
    pub author: String,
    pub text: String,
    pub posted_at: DateTime<Utc>,
}

/// A generated channel.
pub struct Channel {
    pub posts: Vec<Post>,
    /// The last day, which holds the planted topics.
    pub window: TimeWindow,
    pub planted: Vec<&'static Topic>,
}

impl Channel {
    pub fn messages(&self) -> Vec<ChatMessage<'_>> {
        self.posts.iter().map(|p| ChatMessage::new(&p.author, &p.text, p.posted_at)).collect()
    }

    pub fn window_messages(&self) -> Vec<ChatMessage<'_>> {
        self.messages().into_iter().filter(|m| self.window.contains(m.posted_at)).collect()
    }
}

/// One post about `topic`: some of its key sentence's words in order, topic words, filler.
fn topic_post(rng: &mut Rng, topic: &Topic) -> String {
    let mut words: Vec<String> = Vec::new();
    if rng.chance(0.5) {
        words.push((*rng.pick(&OPENERS)).to_owned());
    }
    let key: Vec<&str> = topic.key_sentence.trim_end_matches('.').split(' ').collect();
    let keep = 0.5 + rng.below(40) as f64 / 100.0;
    for w in &key {
        if topic.phrase.contains(&w.to_lowercase()) || rng.chance(keep) {
            words.push((*w).to_owned());
        }
    }
    if rng.chance(0.6) {
        words.push(format!("and the {}", rng.pick(topic.words)));
    }
    if rng.chance(0.5) {
        words.push(format!("for the {} {}", rng.pick(&FILLER), rng.pick(&FILLER)));
    }
    let mut text = words.join(" ");
    text.push(*rng.pick(&['.', '?', '!', '.']));
    if rng.chance(0.3) {
        let verb = rng.pick(&["blocks", "changes", "delays", "affects", "involves", "touches"]);
        text.push_str(&format!(
            " {} {} {} our {}.",
            rng.pick(topic.words),
            rng.pick(&FILLER),
            verb,
            rng.pick(&FILLER)
        ));
    }
    if rng.chance(0.05) {
        text.push_str(" `SELECT 1;` :eyes:");
    }
    text
}

fn chatter_post(rng: &mut Rng) -> String {
    if rng.chance(0.5) {
        (*rng.pick(&CHATTER)).to_owned()
    } else {
        format!(
            "{} the {} {} is {}.",
            rng.pick(&OPENERS),
            rng.pick(&FILLER),
            rng.pick(&FILLER),
            rng.pick(&FILLER)
        )
    }
}

/// A channel of `history_days` days of `per_day` posts on the standing topics, then one day
/// (the window) of `window_posts` posts on the standing and `planted` planted topics (the
/// first `planted` of [`PLANTED`], at most 4).
pub fn channel(
    seed: u64,
    history_days: i64,
    per_day: usize,
    window_posts: usize,
    planted: usize,
) -> Channel {
    let mut rng = Rng::new(seed);
    // 2024-03-01T00:00:00Z
    let start = DateTime::from_timestamp(1_709_251_200, 0).unwrap_or_default();
    let window =
        TimeWindow::ending_at(start + TimeDelta::days(history_days + 1), TimeDelta::days(1));
    let planted: Vec<&'static Topic> = PLANTED.iter().take(planted).collect();
    let authors: Vec<String> =
        FIRST.iter().flat_map(|f| LAST.iter().map(move |l| format!("{f} {l}"))).collect();
    let mut posts = Vec::new();
    let mut day = |rng: &mut Rng, begin: DateTime<Utc>, count: usize, topics: &[&Topic]| {
        for i in 0..count {
            let at = begin + TimeDelta::milliseconds((i as i64 * 86_400_000) / count.max(1) as i64);
            let text = if rng.chance(0.25) || topics.is_empty() {
                chatter_post(rng)
            } else {
                let topic = rng_pick_topic(rng, topics);
                topic_post(rng, topic)
            };
            posts.push(Post { author: rng.pick(&authors).clone(), text, posted_at: at });
        }
    };
    let standing: Vec<&Topic> = STANDING.iter().collect();
    for d in 0..history_days {
        day(&mut rng, start + TimeDelta::days(d), per_day, &standing);
    }
    let mut window_topics = standing.clone();
    // Planted topics are talked about as much as all standing ones together.
    for _ in 0..2 {
        window_topics.extend(planted.iter().copied());
    }
    day(&mut rng, window.start, window_posts, &window_topics);
    Channel { posts, window, planted }
}

fn rng_pick_topic<'t>(rng: &mut Rng, topics: &[&'t Topic]) -> &'t Topic {
    topics[rng.below(topics.len())]
}
