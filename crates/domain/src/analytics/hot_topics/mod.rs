//! Hot topics: the phrases of a window that stand out against the channel's history.

mod phrases;

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::message::{ChatMessage, TimeWindow};
use phrases::{NONE, Phrase, Vocabulary, overlaps, parts, phrase_len};

/// A phrase that stands out in the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HotTopic {
    /// One to three words holding a content word (a connector such as "of" or "du" may
    /// stand between two, chat filler may start it, "start" may end it), lowercase,
    /// separated by single spaces; each word in the form the window uses most.
    pub phrase: String,
    /// How many posts of the window contain it.
    pub posts: usize,
    /// How much more the window talks about it than the history does (see [`hot_topics`]).
    pub score: f64,
}

/// A phrase is dropped when a longer phrase containing it is in at least this share of its
/// posts: "migration" says less than "database migration" when it is nearly always that.
const SUBSUMED: f64 = 0.8;
/// The same for a single word, which names a topic less precisely than any phrase holding
/// it: a majority suffices ("upgrade" gives way to "kubernetes upgrade").
const SUBSUMED_WORD: f64 = 0.5;
/// A phrase is skipped when at least this share of its posts are posts of a phrase already
/// chosen: "lake" and "june" are the offsite, not topics of their own.
const SAME_POSTS: f64 = 0.5;
/// Below this many posts, sharing posts is no evidence of sharing a topic.
const SAME_POSTS_MIN: usize = 2;
/// A shorter phrase inside a chosen one is named instead when its score is at least this
/// share of the chosen one's: "design review" rather than "design review timeline".
const VARIANT_SCORE: f64 = 0.5;
/// A phrase is also dropped when one longer phrase extending it on one side holds at least
/// this share of its posts while no phrase extending it on the other side holds more than
/// [`OTHER_SIDE`]: "retention policy" is "data retention policy" shortened, while "security
/// audit", written "external security audit" and "security audit found" alike, is the core.
const ONE_SIDED: f64 = 2.0 / 3.0;
/// See [`ONE_SIDED`].
const OTHER_SIDE: f64 = 1.0 / 3.0;
/// How many window posts tell the channel's languages.
const LANGUAGE_SAMPLE: usize = 1_000;
/// Pseudo-count of a phrase in the history, so a phrase new to the window has a finite rate.
const PRIOR: f64 = 0.5;

/// A candidate: the window posts holding it, and how many history posts do.
#[derive(Debug, Default)]
struct Candidate {
    posts: Vec<u32>,
    history: u32,
    last_history_post: u32,
}

/// The `limit` phrases of `window` that stand out most against the posts before it.
///
/// # Algorithm
/// Candidates are runs of one to three words of a post that hold a content word and end with
/// one (or with "start"): a connector ("of", "de", "du", "à") may stand between two content
/// words ("letters of support"); chat filler ("brb", "lunch", "back", spelled-out numbers) is
/// never a candidate alone but may start a run ("back pressure"), and after a content word
/// it ends the run, as its last word only for "start", a noun as often as a verb ("cold
/// start"; "deploy finished" stays "deploy"). Stop words, punctuation, links, mentions, code
/// and emoji end a run. Stop words are NLTK's lists of the languages the window is written
/// in (a post's language is the one whose stop words it uses most; English and French always
/// apply), and words are compared by their Snowball stem in the window's main language, so
/// "design reviews" and "design review" are one phrase, named by the form the window uses
/// most.
///
/// A phrase is scored by how far its window count departs from what its history rate
/// predicts. With `n` the window posts holding it (a post repeating it counts once), `N` the
/// window's posts, `h` and `H` the same before `window.start`, the expected count is
/// `E = N · (h + 0.5) / (H + N)` and the score the Poisson deviance
///
/// `score = n · ln(n / E) − (n − E)`, kept only when `n > E`,
///
/// which grows with how many posts discuss the phrase and with how much more than usual
/// they do: a phrase new to the window outranks one the channel uses every day, and chatter
/// at its usual rate scores near zero however frequent it is. Without history, `E = 0.5` and
/// the ranking is by frequency. When the window has more than twenty posts, a phrase needs two
/// posts, and two authors if the window has at least three (one chatty author is not a
/// topic). A phrase mostly seen inside a longer one gives way to it: when one longer phrase is
/// in ≥ 80 % of its posts (≥ 50 % for a single word), or one extending it on one side is in
/// ≥ 2/3 of them while none extending it on the other side is in more than 1/3.
///
/// Phrases are then taken best first. A shorter phrase inside the one taken is named instead
/// when it is not mostly that phrase and scores at least half as much: "design review" is
/// the topic and "design review timeline" one of its variants. A phrase overlapping one
/// already taken (one holds the other's words in sequence) is skipped, and so is one whose
/// posts (at least two) are mostly (≥ 50 %) posts of phrases already taken: those are facets
/// of a topic already named. Ties go to the longer phrase, then alphabetical order.
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
    if limit == 0 {
        return Vec::new();
    }
    let in_window: Vec<&ChatMessage<'_>> =
        messages.iter().filter(|m| window.contains(m.posted_at)).collect();
    // The window's languages, from an even sample of its posts.
    let step = in_window.len().div_ceil(LANGUAGE_SAMPLE).max(1);
    let mut vocabulary = Vocabulary::for_texts(in_window.iter().step_by(step).map(|m| m.text));
    let mut buffer = String::new();
    let mut candidates: HashMap<Phrase, Candidate> = HashMap::new();
    let mut seen: HashSet<Phrase> = HashSet::new();
    let mut author_ids: HashMap<&str, u32> = HashMap::new();
    let mut authors: Vec<u32> = Vec::new();
    for m in &in_window {
        let post = u32::try_from(authors.len()).unwrap_or(NONE);
        let next = u32::try_from(author_ids.len()).unwrap_or(NONE);
        authors.push(*author_ids.entry(m.author).or_insert(next));
        seen.clear();
        vocabulary.phrases(m.text, &mut buffer, &mut |p, _| {
            seen.insert(p);
        });
        for p in seen.drain() {
            candidates.entry(p).or_default().posts.push(post);
        }
    }
    let window_posts = authors.len();
    let min_posts = if window_posts > 20 { 2 } else { 1 };
    let min_authors = if window_posts > 20 && author_ids.len() >= 3 { 2 } else { 1 };
    candidates.retain(|_, c| {
        c.posts.len() >= min_posts
            && (min_authors == 1 || distinct(&c.posts, &authors) >= min_authors)
    });
    if candidates.is_empty() {
        return Vec::new();
    }

    // History: how many posts before the window hold each candidate.
    let mut history_posts = 0_u32;
    for m in messages.iter().filter(|m| m.posted_at < window.start) {
        history_posts += 1;
        vocabulary.phrases(m.text, &mut buffer, &mut |p, _| {
            if let Some(c) = candidates.get_mut(&p)
                && c.last_history_post != history_posts
            {
                c.last_history_post = history_posts;
                c.history += 1;
            }
        });
    }

    // Longer phrases that contain each candidate, by post count: any, and the phrases one
    // word longer on its left and on its right.
    let mut inside_longer: HashMap<Phrase, Extensions> = HashMap::new();
    for (p, c) in &candidates {
        let n = c.posts.len();
        let len = phrase_len(p);
        for (i, part) in parts(p).enumerate() {
            let e = inside_longer.entry(part).or_default();
            e.any = e.any.max(n);
            let part_len = phrase_len(&part);
            if part_len + 1 == len {
                // `parts` lists the shorter phrases by size, then by start.
                let starts_first = i == parts_before(part_len, len);
                if starts_first {
                    e.right = e.right.max(n);
                } else {
                    e.left = e.left.max(n);
                }
            }
        }
    }
    #[expect(clippy::cast_precision_loss, reason = "post counts are far below 2^52")]
    let (big_n, big_h) = (window_posts as f64, f64::from(history_posts));
    let mut scores: HashMap<Phrase, f64> = HashMap::new();
    for (p, c) in &candidates {
        if inside_longer.get(p).is_some_and(|e| e.subsume(c.posts.len(), phrase_len(p))) {
            continue;
        }
        #[expect(clippy::cast_precision_loss, reason = "post counts are far below 2^52")]
        let n = c.posts.len() as f64;
        let expected = big_n * (f64::from(c.history) + PRIOR) / (big_h + big_n);
        if n > expected {
            scores.insert(*p, n * (n / expected).ln() - (n - expected));
        }
    }
    let mut ranked: Vec<(Phrase, f64)> = scores.iter().map(|(p, &s)| (*p, s)).collect();
    // Ties: the longer phrase first, then word ids (first seen first), for a stable answer.
    ranked.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| phrase_len(&b.0).cmp(&phrase_len(&a.0)))
            .then_with(|| a.0.cmp(&b.0))
    });
    let posts_of = |p: &Phrase| candidates.get(p).map_or(&[][..], |c| c.posts.as_slice());
    let mut taken: Vec<Phrase> = Vec::new();
    let mut covered: HashSet<u32> = HashSet::new();
    let mut chosen: Vec<(Phrase, f64)> = Vec::new();
    for (p, score) in ranked {
        if taken.iter().any(|t| overlaps(t, &p)) {
            continue;
        }
        let named = variant_name(&p, score, &scores, &posts_of);
        let ids = posts_of(&named);
        let shared = ids.iter().filter(|id| covered.contains(id)).count();
        #[expect(clippy::cast_precision_loss, reason = "post counts are small")]
        if ids.len() >= SAME_POSTS_MIN && shared as f64 >= SAME_POSTS * ids.len() as f64 {
            continue;
        }
        covered.extend(ids);
        taken.push(p);
        taken.push(named);
        chosen.push((named, score));
        if chosen.len() == limit {
            break;
        }
    }

    // Each topic in the written form the window uses most.
    let mut forms: HashMap<Phrase, HashMap<Phrase, u32>> =
        chosen.iter().map(|(p, _)| (*p, HashMap::new())).collect();
    let mut to_read: Vec<u32> = chosen.iter().flat_map(|(p, _)| posts_of(p)).copied().collect();
    to_read.sort_unstable();
    to_read.dedup();
    for m in to_read.iter().filter_map(|&post| in_window.get(post as usize)) {
        vocabulary.phrases(m.text, &mut buffer, &mut |p, f| {
            if let Some(counts) = forms.get_mut(&p) {
                *counts.entry(f).or_default() += 1;
            }
        });
    }
    chosen
        .into_iter()
        .map(|(p, score)| {
            let written = forms
                .get(&p)
                .and_then(|counts| {
                    counts
                        .iter()
                        .map(|(f, &n)| (vocabulary.text(&p, f), n))
                        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                })
                .map(|(text, _)| text)
                .unwrap_or_default();
            HotTopic { phrase: written, posts: posts_of(&p).len(), score }
        })
        .collect()
}

/// The phrase to name `p` by: the most discussed shorter phrase inside it that `p` does not
/// mostly account for and that scores at least [`VARIANT_SCORE`] of `p`'s, else `p`.
fn variant_name<'c>(
    p: &Phrase,
    score: f64,
    scores: &HashMap<Phrase, f64>,
    posts_of: &impl Fn(&Phrase) -> &'c [u32],
) -> Phrase {
    let own = posts_of(p).len();
    let mut best = (*p, own);
    for part in parts(p) {
        let n = posts_of(&part).len();
        let strong = scores.get(&part).is_some_and(|&s| s >= VARIANT_SCORE * score);
        #[expect(clippy::cast_precision_loss, reason = "post counts are small")]
        let not_mostly_p = (own as f64) < SUBSUMED * n as f64;
        if strong && not_mostly_p && n > best.1 {
            best = (part, n);
        }
    }
    best.0
}

/// The most posts of a longer phrase holding a candidate: any, and one word longer on each
/// side.
#[derive(Debug, Default, Clone, Copy)]
struct Extensions {
    any: usize,
    left: usize,
    right: usize,
}

impl Extensions {
    /// Whether a phrase of `len` words in `n` posts gives way to a longer one.
    #[expect(clippy::cast_precision_loss, reason = "post counts are small")]
    fn subsume(self, n: usize, len: usize) -> bool {
        let n = n as f64;
        let share = if len == 1 { SUBSUMED_WORD } else { SUBSUMED };
        let (wide, narrow) = (self.left.max(self.right) as f64, self.left.min(self.right) as f64);
        self.any as f64 >= share * n || (wide >= ONE_SIDED * n && narrow <= OTHER_SIDE * n)
    }
}

/// How many shorter phrases [`parts`] lists before the first of `size` words, in a phrase of
/// `len` words.
fn parts_before(size: usize, len: usize) -> usize {
    (1..size).map(|s| len + 1 - s).sum()
}

/// How many distinct authors wrote `posts`.
fn distinct(posts: &[u32], authors: &[u32]) -> usize {
    let mut seen: Vec<u32> =
        posts.iter().filter_map(|&p| authors.get(p as usize).copied()).collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}
