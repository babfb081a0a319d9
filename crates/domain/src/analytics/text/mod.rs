//! Text handling shared by the analytics: words, stop words and sentences.

mod sentences;
mod stopwords;
mod words;

pub(crate) use sentences::sentences;
pub(crate) use stopwords::is_stop_word;
pub(crate) use words::for_each_term;
