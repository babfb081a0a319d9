//! Text handling shared by the analytics: words, stop words and sentences.

mod languages;
mod sentences;
mod stopwords;
mod words;

pub(crate) use languages::{LanguageVotes, Lexicon};
pub(crate) use sentences::sentences;
pub(crate) use stopwords::{is_chat_filler, is_stop_word, own_stop_words};
pub(crate) use words::{for_each_term, for_each_word};
