//! Which languages a channel writes in, their stop words and their stemmers.
//!
//! Stop words are NLTK's lists (the `stop-words` crate) for 23 languages, plus our English and
//! French lists (`stopwords/`); a post's language is the one whose stop words it uses
//! most. A language's list applies only to channels that write in it: "die", "war" and "man"
//! are German stop words, not English ones. Stems come from the Snowball stemmers
//! (`rust-stemmers`) of the 17 of those languages that have one.

use std::collections::HashMap;
use std::sync::OnceLock;

use foldhash::fast::RandomState;
use rust_stemmers::{Algorithm, Stemmer};

use super::own_stop_words;

/// NLTK's stop-word lists by ISO 639-1 code, with their Snowball stemmer where there is one.
/// English first: posts without any stop word count as English.
const LANGUAGES: [(&str, Option<Algorithm>); 23] = [
    ("en", Some(Algorithm::English)),
    ("fr", Some(Algorithm::French)),
    ("de", Some(Algorithm::German)),
    ("es", Some(Algorithm::Spanish)),
    ("it", Some(Algorithm::Italian)),
    ("pt", Some(Algorithm::Portuguese)),
    ("nl", Some(Algorithm::Dutch)),
    ("da", Some(Algorithm::Danish)),
    ("sv", Some(Algorithm::Swedish)),
    ("no", Some(Algorithm::Norwegian)),
    ("fi", Some(Algorithm::Finnish)),
    ("hu", Some(Algorithm::Hungarian)),
    ("ro", Some(Algorithm::Romanian)),
    ("ru", Some(Algorithm::Russian)),
    ("el", Some(Algorithm::Greek)),
    ("tr", Some(Algorithm::Turkish)),
    ("ar", Some(Algorithm::Arabic)),
    ("az", None),
    ("id", None),
    ("kk", None),
    ("ne", None),
    ("sl", None),
    ("tg", None),
];

/// A set of languages, one bit each in [`LANGUAGES`] order.
type Languages = u32;

/// English and French: their stop words (our own lists) apply to every channel.
const ENGLISH_AND_FRENCH: Languages = 0b11;

fn stop_words() -> &'static HashMap<&'static str, Languages, RandomState> {
    static WORDS: OnceLock<HashMap<&'static str, Languages, RandomState>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words: HashMap<&'static str, Languages, RandomState> = HashMap::default();
        for (bit, (code, _)) in LANGUAGES.iter().enumerate() {
            for word in stop_words::get(code) {
                *words.entry(word).or_default() |= 1 << bit;
            }
        }
        for (code, word) in own_stop_words() {
            let bit = LANGUAGES.iter().position(|(c, _)| *c == code).unwrap_or(0);
            *words.entry(word).or_default() |= 1 << bit;
        }
        words
    })
}

/// The languages whose stop words `word` (lowercase) is, our own lists included.
fn stop_word_languages(word: &str) -> Languages {
    stop_words().get(word).copied().unwrap_or(0)
}

/// Counts stop words per language, to tell which a text is written in.
#[derive(Debug, Default)]
pub(crate) struct LanguageVotes {
    counts: [u32; LANGUAGES.len()],
}

impl LanguageVotes {
    /// Counts `word` for each language it is a stop word of.
    pub(crate) fn add(&mut self, word: &str) {
        let languages = stop_word_languages(word);
        if languages != 0 {
            for (bit, count) in self.counts.iter_mut().enumerate() {
                if languages & (1 << bit) != 0 {
                    *count += 1;
                }
            }
        }
    }

    /// The language with the most stop words (the first listed on a tie), if any.
    pub(crate) fn winner(&self) -> Option<usize> {
        let max = self.counts.iter().copied().max().filter(|&m| m > 0)?;
        self.counts.iter().position(|&c| c == max)
    }

    /// Clears the counts.
    pub(crate) fn clear(&mut self) {
        self.counts = [0; LANGUAGES.len()];
    }
}

/// The languages of a channel: the ones whose stop words apply, and the stemmer of the most
/// used one.
pub(crate) struct Lexicon {
    languages: Languages,
    stemmer: Option<Stemmer>,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon").field("languages", &self.languages).finish_non_exhaustive()
    }
}

impl Lexicon {
    /// The lexicon of a channel whose posts were written in the languages counted in
    /// `posts_per_language` (posts, by [`LANGUAGES`] index): every language of at least a
    /// tenth of the posts, and English and French always (our own lists).
    pub(crate) fn new(posts_per_language: &[u32]) -> Self {
        let total: u32 = posts_per_language.iter().sum();
        let mut languages = ENGLISH_AND_FRENCH;
        for (bit, &posts) in posts_per_language.iter().enumerate().take(LANGUAGES.len()) {
            if posts > 0 && posts * 10 >= total {
                languages |= 1 << bit;
            }
        }
        let main = posts_per_language
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(&a.0)))
            .map_or(0, |(i, _)| i);
        let stemmer =
            LANGUAGES.get(main).and_then(|(_, algorithm)| *algorithm).map(Stemmer::create);
        Self { languages, stemmer }
    }

    /// How many languages there are to count posts by.
    pub(crate) const LANGUAGES: usize = LANGUAGES.len();

    /// Whether `word` is a stop word of one of the channel's languages.
    pub(crate) fn is_stop_word(&self, word: &str) -> bool {
        stop_word_languages(word) & self.languages != 0
    }

    /// `word`'s stem in the channel's main language, written into `out`.
    pub(crate) fn stem_into(&self, word: &str, out: &mut String) {
        out.clear();
        match &self.stemmer {
            Some(stemmer) => out.push_str(&stemmer.stem(word)),
            None => out.push_str(word),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon_of(texts: &[&str]) -> Lexicon {
        let mut posts = [0; Lexicon::LANGUAGES];
        let mut votes = LanguageVotes::default();
        for text in texts {
            votes.clear();
            text.split(' ').for_each(|w| votes.add(w));
            if let Some(l) = votes.winner() {
                posts[l] += 1;
            }
        }
        Lexicon::new(&posts)
    }

    #[test]
    fn a_language_stop_words_apply_only_where_it_is_written() {
        let english = lexicon_of(&["the war is over", "we will see the man"]);
        assert!(english.is_stop_word("the") && english.is_stop_word("le"));
        assert!(!english.is_stop_word("war") && !english.is_stop_word("man"));
        let german = lexicon_of(&["die Besprechung ist morgen", "wir haben keine Zeit"]);
        assert!(german.is_stop_word("die") && german.is_stop_word("keine"));
    }

    #[test]
    fn stems_in_the_main_language() {
        let mut out = String::new();
        let english = lexicon_of(&["the reviews of the design"]);
        english.stem_into("reviews", &mut out);
        assert_eq!(out, "review");
        let french = lexicon_of(&["la réunion est déplacée", "les factures du trimestre"]);
        french.stem_into("factures", &mut out);
        assert_eq!(out, "factur");
    }
}
