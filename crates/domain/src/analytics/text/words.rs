//! From chat text to content words: markup, links, mentions, code and emoji removed.

use unicode_segmentation::UnicodeSegmentation;

use super::is_stop_word;

/// French elided articles and pronouns, stripped from the front of a word (`l'équipe`).
const ELISIONS: [&str; 12] =
    ["l'", "d'", "j'", "m'", "n'", "s'", "t'", "c'", "qu'", "jusqu'", "lorsqu'", "puisqu'"];

/// Calls `emit(term, joined)` for every content word of `text`, lowercased; `joined` is true
/// when the word directly follows the previous content word, with nothing but spaces or
/// in-word punctuation (`-`, `/`, `*`, `~`) between, so a run of joined words is a phrase
/// candidate.
///
/// Dropped, each ending any phrase: what [`for_each_word`] drops, and English and French stop
/// words. `buffer` is scratch space, reused to avoid allocating.
pub(crate) fn for_each_term(text: &str, buffer: &mut String, mut emit: impl FnMut(&str, bool)) {
    let mut joined = false;
    for_each_word(text, buffer, |word| match word {
        Some(word) if !is_stop_word(word) => {
            emit(word, joined);
            joined = true;
        }
        _ => joined = false,
    });
}

/// Calls `emit(Some(word))` for every word of `text`, lowercased, stop words included, and
/// `emit(None)` where a phrase must end.
///
/// A phrase ends at fenced and inline code, URLs (`http://`, `www.`, anything with `://`),
/// Slack markup (`<@U1>`, `<#C1|x>`, `<!here>`, `<https://…|…>`), `@mentions`, emoji
/// shortcodes (`:smile:`) and unicode emoji, numbers, one-letter words, punctuation other than
/// in-word `-`, `/`, `*`, `~`, `_`, and line ends; those are dropped. French elisions (`l'`,
/// `qu'`) and English possessives (`'s`, unless the word is a stop word such as `let's`) are
/// stripped. `buffer` is scratch space, reused to avoid allocating.
pub(crate) fn for_each_word(text: &str, buffer: &mut String, mut emit: impl FnMut(Option<&str>)) {
    for segment in prose(text) {
        emit(None);
        for line in segment.split('\n') {
            emit(None);
            for chunk in line.split_whitespace() {
                if is_link_or_markup(chunk) {
                    emit(None);
                    continue;
                }
                for piece in without_shortcodes(chunk) {
                    match piece {
                        Some(piece) => words_of(piece, buffer, &mut emit),
                        None => emit(None),
                    }
                }
            }
        }
    }
}

fn words_of(piece: &str, buffer: &mut String, emit: &mut impl FnMut(Option<&str>)) {
    for token in piece.split_word_bounds() {
        if !token.chars().any(char::is_alphanumeric) {
            if !token.chars().all(|c| matches!(c, '-' | '/' | '*' | '~' | '_') || c.is_whitespace())
            {
                emit(None);
            }
            continue;
        }
        buffer.clear();
        for c in token.chars() {
            match c {
                '\u{2019}' | '\u{2018}' => buffer.push('\''),
                c => buffer.extend(c.to_lowercase()),
            }
        }
        let mut word = buffer.as_str();
        if let Some(rest) = ELISIONS.iter().find_map(|e| word.strip_prefix(e)) {
            word = rest;
        }
        if !is_stop_word(word) {
            word = word.strip_suffix("'s").unwrap_or(word);
        }
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if letters == 0 || word.chars().count() < 2 {
            emit(None);
            continue;
        }
        emit(Some(word));
    }
}

/// The parts of `text` outside code: fenced blocks (```` ``` ````) and inline spans (`` ` ``)
/// are cut out. An unclosed fence hides the rest of the text; an unclosed backtick is kept.
fn prose(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(tick) = rest.find('`') else {
            return Some(std::mem::take(&mut rest));
        };
        let (before, from_tick) = rest.split_at(tick);
        rest = if let Some(fenced) = from_tick.strip_prefix("```") {
            fenced.find("```").map_or("", |end| &fenced[end + 3..])
        } else {
            let inner = &from_tick[1..];
            match inner.find('`') {
                Some(end) => &inner[end + 1..],
                // A lone backtick is punctuation, not code.
                None => inner,
            }
        };
        Some(before)
    })
}

fn is_link_or_markup(chunk: &str) -> bool {
    let lower = |p: &str| chunk.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    chunk.starts_with('@')
        || chunk.starts_with('<')
        || chunk.contains("://")
        || lower("www.")
        || lower("mailto:")
}

/// Splits `chunk` around emoji shortcodes (`:smile:`, `:+1::skin-tone-2:`): `Some(text)` for
/// the text between them, `None` where one was.
fn without_shortcodes(chunk: &str) -> Vec<Option<&str>> {
    let mut pieces = Vec::new();
    let bytes = chunk.as_bytes();
    let (mut from, mut i) = (0, 0);
    while i < bytes.len() {
        if bytes[i] == b':' {
            let name_end = bytes[i + 1..]
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-')))
                .map(|n| i + 1 + n);
            if let Some(end) = name_end.filter(|&e| e > i + 1 && bytes[e] == b':') {
                pieces.push(Some(&chunk[from..i]));
                pieces.push(None);
                from = end + 1;
                i = end + 1;
                continue;
            }
        }
        i += 1;
    }
    pieces.push(Some(&chunk[from..]));
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for_each_term(text, &mut String::new(), |t, j| out.push((t.to_owned(), j)));
        out
    }

    fn words(text: &str) -> Vec<String> {
        terms(text).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn phrases_run_between_stop_words_and_punctuation() {
        assert_eq!(
            terms("The Database Migration failed, again; rollback plan?"),
            [
                ("database".to_owned(), false),
                ("migration".to_owned(), true),
                ("failed".to_owned(), true),
                ("rollback".to_owned(), false),
                ("plan".to_owned(), true),
            ]
        );
    }

    #[test]
    fn drops_links_mentions_code_and_emoji() {
        let text = "@ada see https://x.io/a?b=1 and <@U123> <#C1|general> :tada: 🎉 \
                    `cargo build` then\n```\nfn main() {}\n``` deploy:rocket:pipeline www.x.org";
        assert_eq!(words(text), ["deploy", "pipeline"]);
        assert!(!terms("deploy:rocket:pipeline")[1].1);
    }

    #[test]
    fn strips_french_elisions_and_possessives() {
        assert_eq!(
            words("L’équipe d'infrastructure prépare la réunion"),
            ["équipe", "infrastructure", "prépare", "réunion"]
        );
        assert_eq!(words("the team's roadmap isn't ready"), ["team", "roadmap", "ready"]);
    }

    #[test]
    fn no_words_in_emoji_numbers_or_empty_text() {
        assert!(words("").is_empty());
        assert!(words("🎉🎉 :+1::skin-tone-2: 42 3.14 !!! ` ```").is_empty());
    }

    #[test]
    fn joins_across_in_word_punctuation_but_not_lines() {
        assert_eq!(terms("ci/cd pipeline")[2], ("pipeline".to_owned(), true));
        assert_eq!(terms("budget\nreview")[1], ("review".to_owned(), false));
    }
}
