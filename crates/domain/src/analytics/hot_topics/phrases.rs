//! From posts to candidate phrases: words classified once per call (stop word, filler,
//! connector or content word with its stem), and runs of up to three words.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use crate::analytics::text::{LanguageVotes, Lexicon, for_each_word, is_chat_filler};

/// The longest phrase considered, in words.
pub(super) const MAX_WORDS: usize = 3;

/// A phrase: word ids, unused places [`NONE`].
pub(super) type Phrase = [u32; MAX_WORDS];

/// No word.
pub(super) const NONE: u32 = u32::MAX;

/// Stop words that may join two content words inside a phrase ("letters of support", "panne
/// du congélateur", "machine à café"): a phrase never starts or ends with one.
const CONNECTORS: [&str; 10] = ["of", "de", "du", "des", "à", "di", "del", "della", "van", "von"];

/// Chat filler that may also end a phrase right after a content word: a noun as often as a
/// verb ("cold start", "quick start"). The other filler words, verbs and predicates above all,
/// would make statuses of topics there ("deploy finished", "server offline").
const TAILS: [&str; 1] = ["start"];

/// What a word is to a phrase.
#[derive(Debug, Clone, Copy)]
enum Class {
    /// Ends a phrase: stop words.
    Break,
    /// May stand inside a phrase, between content words.
    Connector(u32),
    /// Chat filler: never a topic alone, but it may start a phrase that a content word ends
    /// ("back pressure", "offline mode"); its stem's id and form.
    Filler(u32, u32),
    /// Filler among the [`TAILS`]: as [`Class::Filler`], and it may also end a phrase right
    /// after a content word ("cold start").
    Tail(u32, u32),
    /// A content word: its stem's id, and its own written form's index.
    Content(u32, u32),
}

/// The words of one call: each written form classified and stemmed once.
#[derive(Debug)]
pub(super) struct Vocabulary {
    lexicon: Lexicon,
    classes: HashMap<String, Class, RandomState>,
    ids: HashMap<String, u32, RandomState>,
    /// The written forms of content words.
    forms: Vec<String>,
    /// Per word id: a connector's text, or empty for a stem (named by its commonest form).
    connectors: Vec<String>,
    stem: String,
}

impl Vocabulary {
    /// A vocabulary for a channel whose window holds `texts`: their languages decide the stop
    /// words and the stemmer.
    pub(super) fn for_texts<'t>(texts: impl Iterator<Item = &'t str>) -> Self {
        let mut posts = [0_u32; Lexicon::LANGUAGES];
        let mut votes = LanguageVotes::default();
        let mut buffer = String::new();
        for text in texts {
            votes.clear();
            for_each_word(text, &mut buffer, |word| {
                if let Some(word) = word {
                    votes.add(word);
                }
            });
            if let Some(language) = votes.winner().and_then(|l| posts.get_mut(l)) {
                *language += 1;
            }
        }
        Self {
            lexicon: Lexicon::new(&posts),
            classes: HashMap::default(),
            ids: HashMap::default(),
            forms: Vec::new(),
            connectors: Vec::new(),
            stem: String::new(),
        }
    }

    fn class(&mut self, word: &str) -> Class {
        if let Some(&class) = self.classes.get(word) {
            return class;
        }
        let class = if self.lexicon.is_stop_word(word) {
            if CONNECTORS.contains(&word) {
                Class::Connector(self.id(word, true))
            } else {
                Class::Break
            }
        } else {
            let mut stem = std::mem::take(&mut self.stem);
            self.lexicon.stem_into(word, &mut stem);
            let id = self.id(&stem, false);
            self.stem = stem;
            let form = u32::try_from(self.forms.len()).unwrap_or(NONE);
            self.forms.push(word.to_owned());
            if TAILS.contains(&word) {
                Class::Tail(id, form)
            } else if is_chat_filler(word) {
                Class::Filler(id, form)
            } else {
                Class::Content(id, form)
            }
        };
        self.classes.insert(word.to_owned(), class);
        class
    }

    fn id(&mut self, key: &str, connector: bool) -> u32 {
        // Connectors and stems in one id space, told apart by a prefix no word starts with.
        let key = if connector { format!("\u{1}{key}") } else { key.to_owned() };
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let id = u32::try_from(self.connectors.len()).unwrap_or(NONE);
        let text =
            if connector { key.trim_start_matches('\u{1}').to_owned() } else { String::new() };
        self.ids.insert(key, id);
        self.connectors.push(text);
        id
    }

    /// Calls `report(phrase, forms)` with every phrase of `text` (a phrase repeated is
    /// reported again) and the written forms of its words (connectors: [`NONE`]).
    pub(super) fn phrases(
        &mut self,
        text: &str,
        buffer: &mut String,
        report: &mut impl FnMut(Phrase, Phrase),
    ) {
        // Per word of the run: id, written form, its part in a phrase.
        let mut run: Vec<(u32, u32, Role)> = Vec::with_capacity(MAX_WORDS + 1);
        for_each_word(text, buffer, |word| {
            let class = word.map_or(Class::Break, |w| self.class(w));
            match class {
                Class::Break => run.clear(),
                Class::Connector(id) => {
                    if !run.is_empty() {
                        push(&mut run, (id, NONE, Role::Inside));
                    }
                }
                Class::Content(id, form) => {
                    push(&mut run, (id, form, Role::Content));
                    report_ending(&run, report);
                }
                Class::Filler(id, form) | Class::Tail(id, form) => {
                    let tail = matches!(class, Class::Tail(..));
                    if tail && run.last().is_some_and(|w| w.2 == Role::Content) {
                        push(&mut run, (id, form, Role::Inside));
                        report_ending(&run, report);
                    }
                    // What came before ends here; the filler may start the next phrase.
                    run.clear();
                    run.push((id, form, Role::Head));
                }
            }
        });
    }

    /// The text of a phrase written with `forms`.
    pub(super) fn text(&self, phrase: &Phrase, forms: &Phrase) -> String {
        let mut parts: Vec<&str> = Vec::with_capacity(MAX_WORDS);
        for (&w, &f) in phrase.iter().zip(forms).take_while(|&(&w, _)| w != NONE) {
            let text = if f == NONE {
                self.connectors.get(w as usize).map(String::as_str)
            } else {
                self.forms.get(f as usize).map(String::as_str)
            };
            parts.push(text.unwrap_or(""));
        }
        parts.join(" ")
    }
}

/// A word's part in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A content word: a phrase may start or end with it.
    Content,
    /// Filler that may start a phrase, not end it.
    Head,
    /// A connector, or a tail ending the phrase: never its first word.
    Inside,
}

fn push(run: &mut Vec<(u32, u32, Role)>, word: (u32, u32, Role)) {
    if run.len() == MAX_WORDS {
        run.remove(0);
    }
    run.push(word);
}

/// Reports the phrases that end with the run's last word (a content word, or a tail after
/// one): the content word alone, and the two- and three-word phrases that start with a
/// content word or a head.
fn report_ending(run: &[(u32, u32, Role)], report: &mut impl FnMut(Phrase, Phrase)) {
    for start in 0..run.len() {
        let words = &run[start..];
        if words[0].2 == Role::Inside || (words.len() == 1 && words[0].2 != Role::Content) {
            continue;
        }
        let (mut p, mut forms) = ([NONE; MAX_WORDS], [NONE; MAX_WORDS]);
        for (i, &(id, form, _)) in words.iter().enumerate() {
            p[i] = id;
            forms[i] = form;
        }
        report(p, forms);
    }
}

/// How many words `p` has.
pub(super) fn phrase_len(p: &Phrase) -> usize {
    p.iter().take_while(|&&w| w != NONE).count()
}

/// Whether one phrase's words appear, in order and contiguous, in the other.
pub(super) fn overlaps(a: &Phrase, b: &Phrase) -> bool {
    let (a, b) = (&a[..phrase_len(a)], &b[..phrase_len(b)]);
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.windows(short.len()).any(|w| w == short)
}

/// The shorter phrases inside `p`, contiguous (they may not all be candidates).
pub(super) fn parts(p: &Phrase) -> impl Iterator<Item = Phrase> + '_ {
    let len = phrase_len(p);
    (1..len).flat_map(move |size| {
        (0..=len - size).map(move |start| {
            let mut s = [NONE; MAX_WORDS];
            s[..size].copy_from_slice(&p[start..start + size]);
            s
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases_of(vocabulary: &mut Vocabulary, text: &str) -> Vec<String> {
        let mut found = Vec::new();
        vocabulary.phrases(text, &mut String::new(), &mut |p, f| found.push((p, f)));
        found.iter().map(|(p, f)| vocabulary.text(p, f)).collect()
    }

    #[test]
    fn phrases_run_between_stop_words_filler_and_punctuation() {
        let mut v = Vocabulary::for_texts(["the design reviews are done"].into_iter());
        assert_eq!(
            phrases_of(&mut v, "The design reviews, brb: lunch with the letters of support"),
            ["design", "design reviews", "reviews", "letters", "letters of support", "support"]
        );
    }

    #[test]
    fn filler_starts_a_phrase_a_tail_ends_one_neither_is_one_alone() {
        let mut v = Vocabulary::for_texts(["the cold start is slow"].into_iter());
        assert_eq!(phrases_of(&mut v, "cold start again"), ["cold", "cold start"]);
        assert_eq!(phrases_of(&mut v, "back pressure"), ["back pressure", "pressure"]);
        assert_eq!(phrases_of(&mut v, "deploy finished, server offline"), ["deploy", "server"]);
        assert!(phrases_of(&mut v, "ninety percent done, start without me").is_empty());
        assert!(phrases_of(&mut v, "brb lunch").is_empty(), "filler alone is no phrase");
    }

    #[test]
    fn stems_make_forms_one_phrase() {
        let mut v = Vocabulary::for_texts(["the design reviews"].into_iter());
        let mut found = Vec::new();
        for text in ["design review", "Design Reviews"] {
            v.phrases(text, &mut String::new(), &mut |p, f| found.push((p, f)));
        }
        assert_eq!(found[1].0, found[4].0, "one phrase");
        assert_ne!(found[1].1, found[4].1, "two written forms");
    }

    #[test]
    fn parts_are_the_contiguous_shorter_phrases() {
        let p = [1, 2, 3];
        let found: Vec<Phrase> = parts(&p).collect();
        assert_eq!(
            found,
            [[1, NONE, NONE], [2, NONE, NONE], [3, NONE, NONE], [1, 2, NONE], [2, 3, NONE]]
        );
        assert!(overlaps(&[2, 3, NONE], &p) && !overlaps(&[1, 3, NONE], &p));
    }
}
