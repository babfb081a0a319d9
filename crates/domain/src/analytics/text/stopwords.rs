//! Stop words of English and French, and chat filler, from data files.
//!
//! The lists are plain text files compiled in with `include_str!` rather than a crate: the
//! `stop-words` crate embeds every language's lists (and a JSON parser) to serve two of them,
//! and chat needs fillers ("lol", "thx", "ouais") no general list has. Data files keep the
//! words reviewable and a new language one file away.

use std::collections::HashSet;
use std::sync::OnceLock;

use foldhash::fast::RandomState;

const ENGLISH: &str = include_str!("stopwords/en.txt");
const FRENCH: &str = include_str!("stopwords/fr.txt");

fn words() -> &'static HashSet<&'static str, RandomState> {
    static WORDS: OnceLock<HashSet<&'static str, RandomState>> = OnceLock::new();
    WORDS.get_or_init(|| {
        [ENGLISH, FRENCH]
            .iter()
            .flat_map(|list| list.lines())
            .filter(|line| !line.trim_start().starts_with('#'))
            .flat_map(str::split_whitespace)
            .collect()
    })
}

/// Whether `word` (lowercase, apostrophes as `'`) is an English or French stop word.
pub(crate) fn is_stop_word(word: &str) -> bool {
    words().contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_both_languages_and_chat_filler_but_not_topics() {
        for w in ["the", "don't", "le", "été", "lol", "ouais", "aujourd'hui"] {
            assert!(is_stop_word(w), "{w}");
        }
        for w in ["database", "migration", "réunion", "#"] {
            assert!(!is_stop_word(w), "{w}");
        }
    }
}
