//! A small YAKE (Campos et al., "YAKE! Keyword extraction from single documents using
//! multiple local features", Information Sciences 509, 2020), the reference the hot topics
//! are measured against. The window's posts, in time order, are one document; each post
//! starts a sentence.
//!
//! Per word: casing `Tcase = max(TF_upper, TF_acronym) / (1 + ln TF)`, position
//! `Tpos = ln(ln(3 + median sentence index))`, frequency `Tfreq = TF / (mean + sd)` over
//! content words, relatedness to context `Trel = 1 + (DL + DR) · TF / maxTF` (DL, DR: distinct
//! left and right neighbours over all co-occurrences), sentence spread
//! `Tsent = sentences with it / sentences`; `S(w) = Trel·Tpos / (Tcase + Tfreq/Trel +
//! Tsent/Trel)`. A candidate of 1 to 3 words (not starting or ending with a stop word) scores
//! `Π S(w) / (TF(kw) · (1 + Σ S(w)))` over its content words, lower is better; candidates
//! closer than 0.9 (Levenshtein ratio) to a better one are dropped. Stop words: the NLTK and
//! ISO lists of English and French (the channels' languages).

use std::collections::{HashMap, HashSet};

fn stop_words() -> HashSet<&'static str> {
    let mut set = HashSet::new();
    for lang in ["en", "fr"] {
        set.extend(stop_words::get(lang).iter().copied());
    }
    set
}

#[derive(Default)]
struct Word {
    tf: f64,
    upper: f64,
    acronym: f64,
    sentences: Vec<usize>,
    left: HashMap<String, usize>,
    right: HashMap<String, usize>,
}

/// The `limit` best keywords of `posts`, lowercase.
pub fn keywords(posts: &[&str], limit: usize) -> Vec<String> {
    let stop = stop_words();
    // Sentences of tokens; `None` splits a sentence into chunks (punctuation).
    let mut sentences: Vec<Vec<Option<String>>> = Vec::new();
    for post in posts {
        let mut sentence: Vec<Option<String>> = Vec::new();
        for chunk in post.split_whitespace() {
            if chunk.starts_with('@') || chunk.starts_with('<') || chunk.contains("://") {
                sentence.push(None);
                continue;
            }
            let mut word = String::new();
            for c in chunk.chars() {
                if c.is_alphanumeric() || c == '\'' || c == '’' || c == '-' {
                    word.push(c);
                    continue;
                }
                if !word.is_empty() {
                    sentence.push(Some(std::mem::take(&mut word)));
                }
                sentence.push(None);
                if matches!(c, '.' | '!' | '?') && !sentence.is_empty() {
                    sentences.push(std::mem::take(&mut sentence));
                }
            }
            if !word.is_empty() {
                sentence.push(Some(word));
            }
        }
        if !sentence.is_empty() {
            sentences.push(sentence);
        }
    }
    let is_word = |w: &str| w.chars().any(char::is_alphabetic);
    let mut words: HashMap<String, Word> = HashMap::new();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (s, sentence) in sentences.iter().enumerate() {
        let mut first = true;
        let mut previous: Option<String> = None;
        for token in sentence {
            let Some(raw) = token.as_ref().filter(|w| is_word(w)) else {
                previous = None;
                continue;
            };
            let lower = raw.to_lowercase();
            let entry = words.entry(lower.clone()).or_default();
            entry.tf += 1.0;
            entry.sentences.push(s);
            let letters: Vec<char> = raw.chars().filter(|c| c.is_alphabetic()).collect();
            if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
                entry.acronym += 1.0;
            } else if !first && letters.first().is_some_and(|c| c.is_uppercase()) {
                entry.upper += 1.0;
            }
            first = false;
            if let Some(p) = previous.take() {
                *entry.left.entry(p.clone()).or_default() += 1;
                pairs.push((p, lower.clone()));
            }
            previous = Some(lower);
        }
    }
    for (p, next) in pairs {
        if let Some(pe) = words.get_mut(&p) {
            *pe.right.entry(next).or_default() += 1;
        }
    }
    let content: Vec<f64> =
        words.iter().filter(|(w, _)| !stop.contains(w.as_str())).map(|(_, x)| x.tf).collect();
    let n = content.len().max(1) as f64;
    let mean = content.iter().sum::<f64>() / n;
    let sd = (content.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / n).sqrt();
    let max_tf = words.values().map(|w| w.tf).fold(1.0, f64::max);
    let total_sentences = sentences.len().max(1) as f64;
    let score: HashMap<&str, f64> = words
        .iter()
        .map(|(w, x)| {
            let case = x.upper.max(x.acronym) / (1.0 + x.tf.ln());
            let mut s = x.sentences.clone();
            s.sort_unstable();
            let median = s.get(s.len() / 2).copied().unwrap_or(0) as f64;
            let pos = (3.0 + median).ln().ln();
            let freq = x.tf / (mean + sd);
            let spread = |m: &HashMap<String, usize>| {
                let total: usize = m.values().sum();
                if total == 0 { 0.0 } else { m.len() as f64 / total as f64 }
            };
            let rel = 1.0 + (spread(&x.left) + spread(&x.right)) * x.tf / max_tf;
            let mut distinct = x.sentences.clone();
            distinct.dedup();
            let sent = distinct.len() as f64 / total_sentences;
            (w.as_str(), rel * pos / (case + freq / rel + sent / rel))
        })
        .collect();
    // Candidates: 1 to 3 consecutive words of a chunk.
    let mut candidates: HashMap<Vec<String>, f64> = HashMap::new();
    for sentence in &sentences {
        let mut run: Vec<String> = Vec::new();
        for token in sentence.iter().chain(std::iter::once(&None)) {
            match token.as_ref().filter(|w| is_word(w)) {
                Some(w) => run.push(w.to_lowercase()),
                None => {
                    for i in 0..run.len() {
                        for len in 1..=3 {
                            let Some(gram) = run.get(i..i + len) else { break };
                            let (a, b) = (&gram[0], &gram[len - 1]);
                            if stop.contains(a.as_str()) || stop.contains(b.as_str()) {
                                continue;
                            }
                            if a.chars().count() < 3 && len == 1 {
                                continue;
                            }
                            *candidates.entry(gram.to_vec()).or_default() += 1.0;
                        }
                    }
                    run.clear();
                }
            }
        }
    }
    let mut ranked: Vec<(String, f64)> = candidates
        .into_iter()
        .map(|(gram, tf)| {
            let (mut product, mut sum) = (1.0, 0.0);
            for w in gram.iter().filter(|w| !stop.contains(w.as_str())) {
                let s = score.get(w.as_str()).copied().unwrap_or(1.0);
                product *= s;
                sum += s;
            }
            (gram.join(" "), product / (tf * (1.0 + sum)))
        })
        .collect();
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    let mut out: Vec<String> = Vec::new();
    for (kw, _) in ranked {
        if out.iter().any(|o| similarity(o, &kw) > 0.9) {
            continue;
        }
        out.push(kw);
        if out.len() == limit {
            break;
        }
    }
    out
}

/// Levenshtein ratio: `1 - distance / longer length`.
fn similarity(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1).min(row[j] + 1).min(diagonal + usize::from(ca != cb));
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    let longest = a.len().max(b.len()).max(1);
    1.0 - row[b.len()] as f64 / longest as f64
}
