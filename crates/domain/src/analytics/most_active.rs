//! Most active: who posted the most in a window.

use std::collections::HashMap;

use serde::Serialize;

use super::message::{ChatMessage, TimeWindow};

/// An author and how many posts they made in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ActiveUser<'a> {
    /// The author's display name.
    pub name: &'a str,
    /// Their number of posts in the window.
    pub posts: usize,
}

/// The `limit` authors with the most posts in `window`, busiest first, ties broken by name
/// (byte order, so the result is deterministic).
///
/// # Algorithm
/// One pass counts posts per author in a hash map (`O(n)`), then the authors are sorted by
/// `(count descending, name ascending)` and truncated to `limit`. Authors with an empty name are
/// counted like any other.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use switchboard_domain::analytics::{most_active, ChatMessage, TimeWindow};
///
/// let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
/// let posts = [
///     ChatMessage::new("bob", "a", t),
///     ChatMessage::new("ada", "b", t),
///     ChatMessage::new("cyd", "c", t),
///     ChatMessage::new("cyd", "d", t),
/// ];
/// let window = TimeWindow::new(t, t + chrono::TimeDelta::hours(1));
/// let names: Vec<&str> = most_active(&posts, window, 10).iter().map(|u| u.name).collect();
/// assert_eq!(names, ["cyd", "ada", "bob"]);
/// ```
pub fn most_active<'a>(
    messages: &[ChatMessage<'a>],
    window: TimeWindow,
    limit: usize,
) -> Vec<ActiveUser<'a>> {
    let mut counts: HashMap<&'a str, usize> = HashMap::new();
    for m in messages.iter().filter(|m| window.contains(m.posted_at)) {
        *counts.entry(m.author).or_default() += 1;
    }
    let mut users: Vec<ActiveUser<'a>> =
        counts.into_iter().map(|(name, posts)| ActiveUser { name, posts }).collect();
    users.sort_unstable_by(|a, b| b.posts.cmp(&a.posts).then_with(|| a.name.cmp(b.name)));
    users.truncate(limit);
    users
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone, Utc};

    use super::*;

    #[test]
    fn ignores_posts_outside_the_window_and_truncates() {
        let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
        let window = TimeWindow::new(t, t + TimeDelta::hours(1));
        let posts = [
            ChatMessage::new("zed", "old", t - TimeDelta::seconds(1)),
            ChatMessage::new("zed", "old", t - TimeDelta::seconds(2)),
            ChatMessage::new("amy", "x", t),
            ChatMessage::new("bea", "x", t),
            ChatMessage::new("bea", "x", t + TimeDelta::minutes(59)),
        ];
        let top = most_active(&posts, window, 1);
        assert_eq!(top, [ActiveUser { name: "bea", posts: 2 }]);
        assert!(most_active(&[], window, 5).is_empty());
    }
}
