//! Stop words of English and French, and chat filler, from data files.
//!
//! `en.txt` and `fr.txt` hold function words and the commonest chat words; every analysis
//! drops them. `chat.txt` holds more chat filler, which only hot topics drop: a summary may
//! well quote "back from lunch".
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

const CHAT: &str = include_str!("stopwords/chat.txt");

fn words_of(list: &'static str) -> impl Iterator<Item = &'static str> {
    list.lines().filter(|line| !line.trim_start().starts_with('#')).flat_map(str::split_whitespace)
}

fn words() -> &'static HashSet<&'static str, RandomState> {
    static WORDS: OnceLock<HashSet<&'static str, RandomState>> = OnceLock::new();
    WORDS.get_or_init(|| words_of(ENGLISH).chain(words_of(FRENCH)).collect())
}

fn chat_words() -> &'static HashSet<&'static str, RandomState> {
    static WORDS: OnceLock<HashSet<&'static str, RandomState>> = OnceLock::new();
    WORDS.get_or_init(|| words_of(CHAT).collect())
}

/// Our English (`"en"`) and French (`"fr"`) stop words, by language.
pub(crate) fn own_stop_words() -> impl Iterator<Item = (&'static str, &'static str)> {
    words_of(ENGLISH).map(|w| ("en", w)).chain(words_of(FRENCH).map(|w| ("fr", w)))
}

/// Whether `word` (lowercase) is chat filler: words that are everywhere in chat and never a
/// topic of their own ("brb", "lunch", "mentioned", "ninety"), in any language.
pub(crate) fn is_chat_filler(word: &str) -> bool {
    chat_words().contains(word)
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
        for w in ["brb", "lunch", "mentioned", "ninety", "déjeuner"] {
            assert!(is_chat_filler(w) && !is_stop_word(w), "{w}");
        }
        assert!(!is_chat_filler("review"));
        assert!(own_stop_words().any(|(l, w)| l == "fr" && w == "le"));
    }
}
