//! The input of every analytics function: a borrowed view of a chat post, and a time window.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

/// One chat post as the analytics see it: who wrote it, what it says and when.
///
/// It borrows its strings, so a caller holding its own rows (a database adapter, a test) builds
/// a `Vec<ChatMessage<'_>>` of pointers without copying any text, and the results (which borrow
/// from the same strings) cost no copies either. Messages need not be sorted.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use switchboard_domain::analytics::ChatMessage;
///
/// let at = Utc.with_ymd_and_hms(2024, 5, 1, 9, 30, 0).unwrap();
/// let m = ChatMessage::new("Ada Lovelace", "The build is green again", at);
/// assert_eq!(m.author, "Ada Lovelace");
/// assert_eq!(m.author_id, "Ada Lovelace");
/// let m = m.by_id("U1").from_bot();
/// assert_eq!((m.author_id, m.bot), ("U1", true));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ChatMessage<'a> {
    /// The author's display name.
    pub author: &'a str,
    /// What tells authors apart (a provider's user or bot id): posts are counted per author
    /// id, so two people of one name stay two and one person renamed stays one.
    pub author_id: &'a str,
    /// Posted by a bot or a webhook that is left out of the people's statistics (most active
    /// and hot topics); summaries and representative messages still read it.
    pub bot: bool,
    /// The text as posted (markdown, Slack markup, URLs, emoji and all).
    pub text: &'a str,
    /// When it was posted.
    pub posted_at: DateTime<Utc>,
}

impl<'a> ChatMessage<'a> {
    /// A view of one person's post, its author known by name only (the name is its id).
    pub fn new(author: &'a str, text: &'a str, posted_at: DateTime<Utc>) -> Self {
        Self { author, author_id: author, text, posted_at, bot: false }
    }

    /// The same post, its author told apart by `author_id`.
    #[must_use]
    pub fn by_id(self, author_id: &'a str) -> Self {
        Self { author_id, ..self }
    }

    /// The same post, marked as a bot's left out of the people's statistics.
    #[must_use]
    pub fn from_bot(self) -> Self {
        Self { bot: true, ..self }
    }
}

/// A half-open time interval `[start, end)`.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use switchboard_domain::analytics::TimeWindow;
///
/// let now = Utc.with_ymd_and_hms(2024, 5, 8, 0, 0, 0).unwrap();
/// let week = TimeWindow::ending_at(now, TimeDelta::days(7));
/// assert!(week.contains(now - TimeDelta::hours(1)));
/// assert!(!week.contains(now));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeWindow {
    /// The first instant inside the window.
    pub start: DateTime<Utc>,
    /// The first instant after the window.
    pub end: DateTime<Utc>,
}

impl TimeWindow {
    /// The window `[start, end)`; if `end` is before `start` the window is empty.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Self { start, end }
    }

    /// The window of length `length` that ends (exclusively) at `end`.
    pub fn ending_at(end: DateTime<Utc>, length: TimeDelta) -> Self {
        let start = end.checked_sub_signed(length).unwrap_or(DateTime::<Utc>::MIN_UTC);
        Self { start, end }
    }

    /// Whether `at` lies in `[start, end)`.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }

    /// Whether no instant lies in the window.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// The window's length (zero when empty).
    pub fn length(&self) -> TimeDelta {
        if self.is_empty() { TimeDelta::zero() } else { self.end - self.start }
    }
}

/// The messages of `messages` that lie in `window`, sorted by time (ties keep input order).
pub(crate) fn in_window<'a>(
    messages: &[ChatMessage<'a>],
    window: TimeWindow,
) -> Vec<ChatMessage<'a>> {
    let mut inside: Vec<ChatMessage<'a>> =
        messages.iter().copied().filter(|m| window.contains(m.posted_at)).collect();
    inside.sort_by_key(|m| m.posted_at);
    inside
}
