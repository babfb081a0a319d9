//! Channel analytics: pure functions over chat posts (issue 5).
//!
//! Every function takes a slice of [`ChatMessage`] views (borrowed, in any order) and a
//! [`TimeWindow`], does no I/O, never panics on any text, and documents its algorithm:
//!
//! - [`pulse`]: post counts per time bucket as rates relative to the busiest bucket;
//! - [`most_active`]: authors by post count;
//! - [`hot_topics`]: phrases of the window that stand out against the history (window
//!   counts against the history's rate, stemmed, chat filler left out);
//! - [`representative_messages`]: the most central posts (LexRank, then MMR);
//! - [`summary`]: the most central sentences (same method, over sentences).
//!
//! Text goes through one tokenizer that drops code, links, mentions, Slack markup, emoji,
//! numbers and English and French stop words. LexRank is computed over sparse TF-IDF vectors
//! with an inverted index, so a window of 10,000 posts takes milliseconds (see
//! `docs/analytics.md` and `benches/analytics.rs`).

mod error;
mod graph;
mod hot_topics;
mod lexrank;
mod message;
mod mmr;
mod most_active;
mod parallel;
mod pulse;
mod representative;
mod summary;
mod text;
mod tfidf;

pub use error::AnalyticsError;
pub use hot_topics::{HotTopic, hot_topics};
pub use lexrank::LexRankOptions;
pub use message::{ChatMessage, TimeWindow};
pub use most_active::{ActiveUser, most_active};
pub use parallel::{Parallelism, Sequential, Task};
pub use pulse::{
    DEFAULT_BUCKET, DEFAULT_WINDOW, MAX_BUCKETS, PulsePoint, bucket_start, pulse, pulse_of_counts,
    recent_buckets,
};
pub use representative::{RepresentativeMessage, representative_messages};
pub use summary::{Summary, SummarySentence, summary};
