//! Hot topics: the phrases of a window that stand out against the channel's history.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::message::{ChatMessage, TimeWindow};
use super::text::for_each_term;

/// A phrase that stands out in the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HotTopic {
    /// One to three content words, lowercase, separated by single spaces.
    pub phrase: String,
    /// How many posts of the window contain it.
    pub posts: usize,
    /// Its TF-IDF score against the history.
    pub score: f64,
}

/// The longest phrase considered, in words.
const MAX_WORDS: usize = 3;
/// A phrase is dropped when a longer phrase containing it is in at least this share of its
/// posts: "migration" says less than "database migration" when it is nearly always that.
const SUBSUMED: f64 = 0.8;
/// A phrase is skipped when at least this share of its posts are posts of a phrase already
/// chosen: "lake" and "june" are the offsite, not topics of their own.
const SAME_POSTS: f64 = 0.5;
/// Below this many posts, sharing posts is no evidence of sharing a topic.
const SAME_POSTS_MIN: usize = 2;

type Phrase = [u32; MAX_WORDS];
const NONE: u32 = u32::MAX;

/// The `limit` phrases of `window` that stand out most against the posts before it.
///
/// # Algorithm
/// TF-IDF with the window as the document and the channel's history as the collection.
/// Candidates are runs of one to three consecutive content words of a post (English and French
/// stop words, punctuation, links, mentions, code and emoji end a run, as in RAKE). The
/// history (posts before `window.start`) is cut into slices as long as the window, going
/// back from its start; `D` is the number of slices holding posts and `df(p)` the number
/// holding phrase `p`. Then, with `tf(p)` the number of window posts containing `p` (a post
/// repeating a phrase counts once, so one chatty author does not make a topic):
///
/// `score(p) = (1 + ln tf(p)) · (ln((1 + D) / (1 + df(p))) + 1)`
///
/// so a phrase new to the window outranks a phrase the channel uses every day, and among new
/// phrases the more discussed one wins. Without history the score is the window frequency. A
/// phrase must be in at least two posts when the window has more than twenty (one-off
/// word pairs are noise). A phrase mostly seen inside a longer candidate (≥ 80 % of its posts)
/// gives way to it. Phrases are then taken best first, skipping one that overlaps a phrase
/// already taken (one holds the other's words in sequence) or whose posts (at least two) are
/// mostly (≥ 50 %) posts of phrases already taken: those are facets of a topic already
/// named. Ties go to the longer phrase, then alphabetical order.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use switchboard_domain::analytics::{hot_topics, ChatMessage, TimeWindow};
///
/// let day = |d| Utc.with_ymd_and_hms(2024, 5, d, 12, 0, 0).unwrap();
/// let mut posts = Vec::new();
/// for d in 1..8 {
///     posts.push(ChatMessage::new("ada", "standup notes are in the wiki", day(d)));
/// }
/// posts.push(ChatMessage::new("bob", "the database migration failed", day(8)));
/// posts.push(ChatMessage::new("cyd", "who owns the database migration?", day(8)));
/// posts.push(ChatMessage::new("ada", "standup notes are in the wiki", day(8)));
///
/// let window = TimeWindow::ending_at(day(9), TimeDelta::days(1));
/// let topics = hot_topics(&posts, window, 1);
/// assert_eq!(topics[0].phrase, "database migration");
/// ```
pub fn hot_topics(messages: &[ChatMessage<'_>], window: TimeWindow, limit: usize) -> Vec<HotTopic> {
    let mut words: HashMap<String, u32> = HashMap::new();
    let mut buffer = String::new();
    let mut posts_with: HashMap<Phrase, Vec<u32>> = HashMap::new();
    let mut seen: HashSet<Phrase> = HashSet::new();
    let mut run: Vec<u32> = Vec::new();
    let mut window_posts = 0_usize;
    for m in messages.iter().filter(|m| window.contains(m.posted_at)) {
        window_posts += 1;
        seen.clear();
        run.clear();
        for_each_term(m.text, &mut buffer, |term, joined| {
            let next = u32::try_from(words.len()).unwrap_or(NONE);
            let id = *words.entry(term.to_owned()).or_insert(next);
            push_word(&mut run, id, joined, &mut |p| {
                seen.insert(p);
            });
        });
        let post = u32::try_from(window_posts).unwrap_or(u32::MAX);
        for p in seen.drain() {
            posts_with.entry(p).or_default().push(post);
        }
    }
    let min_posts = if window_posts > 20 { 2 } else { 1 };
    posts_with.retain(|_, posts| posts.len() >= min_posts);
    if posts_with.is_empty() || limit == 0 {
        return Vec::new();
    }

    // Background: which history slices hold each candidate.
    let length = window.length().num_nanoseconds().unwrap_or(i64::MAX).max(1);
    let mut slices_with: HashMap<Phrase, HashSet<i64>> = HashMap::new();
    let mut slices: HashSet<i64> = HashSet::new();
    for m in messages.iter().filter(|m| m.posted_at < window.start) {
        let ago = (window.start - m.posted_at).num_nanoseconds().unwrap_or(i64::MAX);
        let slice = ago / length;
        slices.insert(slice);
        run.clear();
        for_each_term(m.text, &mut buffer, |term, joined| {
            let id = words.get(term).copied().unwrap_or(NONE);
            push_word(&mut run, id, joined, &mut |p| {
                if posts_with.contains_key(&p) {
                    slices_with.entry(p).or_default().insert(slice);
                }
            });
        });
    }
    #[expect(clippy::cast_precision_loss, reason = "slice counts are small")]
    let history = slices.len() as f64;

    // Longer phrases that contain each candidate, by post count.
    let mut inside_longer: HashMap<Phrase, usize> = HashMap::new();
    for (p, posts) in &posts_with {
        let n = posts.len();
        let len = phrase_len(p);
        if len >= 2 {
            for sub in [shorten_front(p), shorten_back(p, len)] {
                let e = inside_longer.entry(sub).or_default();
                *e = (*e).max(n);
            }
        }
    }
    let names: HashMap<u32, &str> = words.iter().map(|(w, &id)| (id, w.as_str())).collect();
    let mut ranked: Vec<(Phrase, usize, f64)> = posts_with
        .iter()
        .map(|(p, posts)| (p, posts.len()))
        .filter(|(p, n)| {
            #[expect(clippy::cast_precision_loss, reason = "post counts are small")]
            let contained = inside_longer.get(*p).copied().unwrap_or(0) as f64;
            #[expect(clippy::cast_precision_loss, reason = "post counts are small")]
            let own = *n as f64;
            contained < SUBSUMED * own
        })
        .map(|(p, n)| {
            #[expect(clippy::cast_precision_loss, reason = "slice counts are small")]
            let df = slices_with.get(p).map_or(0, HashSet::len) as f64;
            #[expect(clippy::cast_precision_loss, reason = "post counts are small")]
            let tf = 1.0 + (n as f64).ln();
            (*p, n, tf * (((1.0 + history) / (1.0 + df)).ln() + 1.0))
        })
        .collect();
    let text = |p: &Phrase| -> String {
        let parts: Vec<&str> = p
            .iter()
            .take_while(|&&w| w != NONE)
            .map(|w| names.get(w).copied().unwrap_or(""))
            .collect();
        parts.join(" ")
    };
    let mut ranked: Vec<(String, Phrase, usize, f64)> =
        ranked.drain(..).map(|(p, n, s)| (text(&p), p, n, s)).collect();
    ranked.sort_by(|a, b| {
        b.3.total_cmp(&a.3)
            .then_with(|| phrase_len(&b.1).cmp(&phrase_len(&a.1)))
            .then_with(|| a.0.cmp(&b.0))
    });
    let mut chosen: Vec<Phrase> = Vec::new();
    let mut covered: HashSet<u32> = HashSet::new();
    let mut topics = Vec::new();
    for (phrase, p, posts, score) in ranked {
        if chosen.iter().any(|c| overlaps(c, &p)) {
            continue;
        }
        let ids = posts_with.get(&p).map_or(&[][..], Vec::as_slice);
        let shared = ids.iter().filter(|id| covered.contains(id)).count();
        #[expect(clippy::cast_precision_loss, reason = "post counts are small")]
        if posts >= SAME_POSTS_MIN && shared as f64 >= SAME_POSTS * posts as f64 {
            continue;
        }
        covered.extend(ids);
        chosen.push(p);
        topics.push(HotTopic { phrase, posts, score });
        if topics.len() == limit {
            break;
        }
    }
    topics
}

/// Extends the current run with `word` and reports every phrase ending at it.
fn push_word(run: &mut Vec<u32>, word: u32, joined: bool, report: &mut impl FnMut(Phrase)) {
    if !joined {
        run.clear();
    }
    run.push(word);
    if run.len() > MAX_WORDS {
        run.remove(0);
    }
    for start in 0..run.len() {
        let words = &run[start..];
        if words.contains(&NONE) {
            continue;
        }
        let mut p = [NONE; MAX_WORDS];
        p[..words.len()].copy_from_slice(words);
        report(p);
    }
}

fn phrase_len(p: &Phrase) -> usize {
    p.iter().take_while(|&&w| w != NONE).count()
}

fn shorten_front(p: &Phrase) -> Phrase {
    let mut s = [NONE; MAX_WORDS];
    s[..MAX_WORDS - 1].copy_from_slice(&p[1..]);
    s
}

fn shorten_back(p: &Phrase, len: usize) -> Phrase {
    let mut s = *p;
    if let Some(last) = s.get_mut(len - 1) {
        *last = NONE;
    }
    s
}

/// Whether one phrase's words appear, in order and contiguous, in the other.
fn overlaps(a: &Phrase, b: &Phrase) -> bool {
    let (a, b) = (&a[..phrase_len(a)], &b[..phrase_len(b)]);
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.windows(short.len()).any(|w| w == short)
}
