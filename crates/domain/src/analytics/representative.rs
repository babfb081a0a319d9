//! Representative messages: the window's most central posts, without repeats.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::lexrank::{LexRankOptions, lexrank};
use super::message::{ChatMessage, TimeWindow, in_window};
use super::mmr::mmr;
use super::parallel::Parallelism;
use super::tfidf::TfIdf;

/// A post chosen as representative of its window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RepresentativeMessage<'a> {
    /// The author's display name.
    pub username: &'a str,
    /// The post's text, as posted.
    pub message: &'a str,
    /// When it was posted.
    pub posted_at: DateTime<Utc>,
    /// Its LexRank score (the share of the random walk's time spent on it).
    pub score: f64,
}

/// The `options.count` most central posts of `window`, redundancy removed, in time order.
///
/// # Algorithm
/// LexRank as in sumy's `LexRankSummarizer`, with each post a document: sparse TF-IDF vectors
/// of the posts' content words (markup, links, mentions, code, emoji and English/French stop
/// words removed), a graph linking posts whose cosine exceeds `options.threshold` (0.1) built
/// through an inverted index, and LexRank scores by power iteration. Then maximal marginal
/// relevance picks the posts (so ten copies of one message give one pick), which are returned
/// sorted by time. Posts without a content word are never picked; an empty window gives an
/// empty answer.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use switchboard_domain::analytics::{
///     representative_messages, ChatMessage, LexRankOptions, Sequential, TimeWindow,
/// };
///
/// let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
/// let posts = [
///     ChatMessage::new("ada", "The database migration starts at noon", t),
///     ChatMessage::new("bob", "Is the database migration reversible?", t + TimeDelta::minutes(1)),
///     ChatMessage::new("cyd", "The migration has a rollback script", t + TimeDelta::minutes(2)),
///     ChatMessage::new("dan", "lol 🎉", t + TimeDelta::minutes(3)),
/// ];
/// let window = TimeWindow::new(t, t + TimeDelta::hours(1));
/// let options = LexRankOptions { count: 1, ..LexRankOptions::default() };
/// let picked = representative_messages(&posts, window, &options, &Sequential);
/// assert_eq!(picked[0].username, "ada");
/// ```
pub fn representative_messages<'a>(
    messages: &[ChatMessage<'a>],
    window: TimeWindow,
    options: &LexRankOptions,
    parallelism: &dyn Parallelism,
) -> Vec<RepresentativeMessage<'a>> {
    let posts = in_window(messages, window);
    let vectors = TfIdf::new(posts.iter().map(|m| m.text));
    let scores = lexrank(&vectors, options, parallelism);
    let mut picks = mmr(&vectors, &scores, options.count, options.relevance);
    picks.sort_unstable();
    picks
        .into_iter()
        .map(|i| RepresentativeMessage {
            username: posts[i].author,
            message: posts[i].text,
            posted_at: posts[i].posted_at,
            score: scores[i],
        })
        .collect()
}
