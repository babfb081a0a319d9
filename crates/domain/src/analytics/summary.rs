//! Extractive summary: the window's most central sentences.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::lexrank::{LexRankOptions, lexrank};
use super::message::{ChatMessage, TimeWindow, in_window};
use super::mmr::mmr;
use super::parallel::Parallelism;
use super::text::sentences;
use super::tfidf::TfIdf;

/// One sentence of a summary, with the post it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SummarySentence<'a> {
    /// The sentence, a slice of the post's text.
    pub text: &'a str,
    /// The author of the post.
    pub author: &'a str,
    /// When the post was posted.
    pub posted_at: DateTime<Utc>,
}

/// An extractive summary: sentences of the window's posts, in time order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary<'a> {
    /// The chosen sentences, in time order (then in order within a post).
    pub sentences: Vec<SummarySentence<'a>>,
}

impl Summary<'_> {
    /// The sentences joined by single spaces (empty for an empty window).
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.sentences.iter().map(|s| s.text).collect();
        parts.join(" ")
    }

    /// Whether the summary has no sentence.
    pub fn is_empty(&self) -> bool {
        self.sentences.is_empty()
    }
}

/// A summary of `window` in `options.count` sentences.
///
/// # Algorithm
/// The posts of the window are split into sentences (at line ends and at `.`, `!`, `?`, `…`
/// followed by a space, abbreviations such as `e.g.` and code blocks excepted). The sentences
/// are then ranked exactly as posts are in
/// [`representative_messages`](super::representative_messages) (LexRank over sparse TF-IDF
/// vectors, threshold 0.1, power iteration), picked by maximal marginal relevance, and
/// returned in time order. An empty window, or one without a content word, gives an empty
/// summary.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use switchboard_domain::analytics::{summary, ChatMessage, LexRankOptions, Sequential, TimeWindow};
///
/// let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
/// let posts = [
///     ChatMessage::new("ada", "Morning! The release is blocked by the flaky login test.", t),
///     ChatMessage::new("bob", "I saw the flaky login test too. Coffee?", t + TimeDelta::minutes(5)),
/// ];
/// let window = TimeWindow::new(t, t + TimeDelta::hours(1));
/// let options = LexRankOptions { count: 1, ..LexRankOptions::default() };
/// let s = summary(&posts, window, &options, &Sequential);
/// assert_eq!(s.text(), "The release is blocked by the flaky login test.");
/// ```
pub fn summary<'a>(
    messages: &[ChatMessage<'a>],
    window: TimeWindow,
    options: &LexRankOptions,
    parallelism: &dyn Parallelism,
) -> Summary<'a> {
    let sentences: Vec<SummarySentence<'a>> = in_window(messages, window)
        .into_iter()
        .flat_map(|m| {
            sentences(m.text).into_iter().map(move |text| SummarySentence {
                text,
                author: m.author,
                posted_at: m.posted_at,
            })
        })
        .collect();
    let vectors = TfIdf::new(sentences.iter().map(|s| s.text));
    let scores = lexrank(&vectors, options, parallelism);
    let mut picks = mmr(&vectors, &scores, options.count, options.relevance);
    picks.sort_unstable();
    Summary { sentences: picks.into_iter().map(|i| sentences[i]).collect() }
}
