//! The in-memory stores' stand-in for PostgreSQL's full-text search as the stores call it,
//! `websearch_to_tsquery('simple', q)`: whole words ignoring case, no stemming, with the
//! web-style operators (`"a phrase"`, `-word`, `or`). Words are split on what is not a letter
//! or a digit, which PostgreSQL's parser refines (e-mail addresses, URLs, hyphenated words);
//! written by hand because no crate reproduces that parser.

/// One term of a search: a word, or a quoted phrase of words in order; `-` negates it.
#[derive(Debug, PartialEq)]
struct Term {
    words: Vec<String>,
    negated: bool,
}

impl Term {
    fn holds(&self, text: &[String]) -> bool {
        let found = match self.words.as_slice() {
            [] => true,
            [word] => text.contains(word),
            phrase => text.windows(phrase.len()).any(|w| w == phrase),
        };
        found != self.negated
    }
}

/// The words of `text`, lower-cased, in order.
fn split(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

/// `q` as alternatives (`or`), each the terms that must all hold. Terms without a word drop
/// out, as PostgreSQL drops them from the `tsquery`.
fn parse(q: &str) -> Vec<Vec<Term>> {
    let mut alternatives = vec![Vec::new()];
    let mut rest = q.trim_start();
    while let Some(first) = rest.chars().next() {
        let negated = first == '-';
        let after_sign = if negated { &rest[1..] } else { rest };
        let (chunk, quoted, next) = match after_sign.strip_prefix('"') {
            Some(inner) => {
                let end = inner.find('"').unwrap_or(inner.len());
                (&inner[..end], true, inner.get(end + 1..).unwrap_or(""))
            }
            None => {
                let end = after_sign.find(char::is_whitespace).unwrap_or(after_sign.len());
                (&after_sign[..end], false, &after_sign[end..])
            }
        };
        rest = next.trim_start();
        if !quoted && !negated && chunk.eq_ignore_ascii_case("or") {
            alternatives.push(Vec::new());
            continue;
        }
        let words: Vec<String> = split(chunk).collect();
        if words.is_empty() {
            continue;
        }
        // Outside quotes, `a-b` or `a.b` is still one phrase of its words, as in PostgreSQL.
        if let Some(terms) = alternatives.last_mut() {
            terms.push(Term { words, negated });
        }
    }
    alternatives.retain(|terms| !terms.is_empty());
    alternatives
}

/// Whether the words of `fields` match the web-style search `q`: every term of one of its
/// alternatives holds. A search without a word finds nothing, as an empty `tsquery` does.
pub(crate) fn has_words<'a>(fields: impl IntoIterator<Item = &'a str>, q: &str) -> bool {
    let alternatives = parse(q);
    if alternatives.is_empty() {
        return false;
    }
    let text: Vec<String> = fields.into_iter().flat_map(split).collect();
    alternatives.iter().any(|terms| terms.iter().all(|t| t.holds(&text)))
}

#[cfg(test)]
mod tests {
    use super::has_words;

    fn matches(text: &str, q: &str) -> bool {
        has_words([text], q)
    }

    #[test]
    fn words_phrases_negations_and_alternatives() {
        let text = "Deploy the release today, please";
        assert!(matches(text, "release DEPLOY"));
        assert!(!matches(text, "release rollback"));
        assert!(!matches(text, "relea"), "whole words");
        assert!(matches(text, "\"the release\""));
        assert!(!matches(text, "\"release the\""), "a phrase keeps its order");
        assert!(matches(text, "release -rollback"));
        assert!(!matches(text, "release -today"));
        assert!(!matches(text, "-\"release today\""));
        assert!(matches(text, "rollback or today"));
        assert!(matches(text, "rollback friday OR deploy please"));
        assert!(!matches(text, "rollback or friday"));
        assert!(!matches(text, "  "), "no word, no match");
        assert!(!matches(text, "\"\" or -"), "nothing but operators");
    }
}
