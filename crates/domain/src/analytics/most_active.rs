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
/// then id (byte order, so the result is deterministic).
///
/// # Algorithm
/// One pass counts posts per author id in a hash map (`O(n)`), keeping the name of each
/// author's latest post in the window (a person renamed is one author, shown by their current
/// name; two people of one name stay two); then the authors are sorted by
/// `(count descending, name ascending, id ascending)` and truncated to `limit`.
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
    // Per author id: posts, and the latest post's time and name.
    let mut counts: HashMap<&'a str, (usize, &ChatMessage<'a>)> = HashMap::new();
    for m in messages.iter().filter(|m| window.contains(m.posted_at)) {
        let entry = counts.entry(m.author_id).or_insert((0, m));
        entry.0 += 1;
        if m.posted_at >= entry.1.posted_at {
            entry.1 = m;
        }
    }
    let mut users: Vec<(ActiveUser<'a>, &'a str)> = counts
        .into_iter()
        .map(|(id, (posts, latest))| (ActiveUser { name: latest.author, posts }, id))
        .collect();
    users.sort_unstable_by(|(a, a_id), (b, b_id)| {
        b.posts.cmp(&a.posts).then_with(|| a.name.cmp(b.name)).then_with(|| a_id.cmp(b_id))
    });
    users.truncate(limit);
    users.into_iter().map(|(user, _)| user).collect()
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

    #[test]
    fn counts_per_author_id_under_their_latest_name() {
        let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
        let window = TimeWindow::new(t, t + TimeDelta::hours(1));
        let posts = [
            // One person, renamed between two posts.
            ChatMessage::new("Ada Lovelace", "a", t).by_id("U1"),
            ChatMessage::new("ada", "b", t + TimeDelta::minutes(2)).by_id("U1"),
            // Two people of one name.
            ChatMessage::new("sam", "c", t).by_id("U2"),
            ChatMessage::new("sam", "d", t).by_id("U3"),
        ];
        let top = most_active(&posts, window, 10);
        assert_eq!(
            top,
            [
                ActiveUser { name: "ada", posts: 2 },
                ActiveUser { name: "sam", posts: 1 },
                ActiveUser { name: "sam", posts: 1 },
            ]
        );
    }
}
