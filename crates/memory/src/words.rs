//! The in-memory stores' stand-in for PostgreSQL's full-text search (`simple` configuration):
//! every word of the search, ignoring case, is a whole word of one of the fields. No stemming,
//! no operators.

/// Whether every word of `q` (split on what is not a letter or a digit) is, ignoring case, a
/// word of `fields`. A search without a word finds nothing, as an empty `tsquery` does.
pub(crate) fn has_words<'a>(fields: impl IntoIterator<Item = &'a str>, q: &str) -> bool {
    let words: Vec<String> = fields
        .into_iter()
        .flat_map(|field| field.split(|c: char| !c.is_alphanumeric()))
        .map(str::to_lowercase)
        .collect();
    let wanted: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    !wanted.is_empty() && wanted.iter().all(|w| words.contains(w))
}
