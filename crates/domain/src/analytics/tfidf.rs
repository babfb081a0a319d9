//! Sparse TF-IDF vectors of a set of texts, as in sumy's LexRank.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use super::text::for_each_term;

/// L2-normalized TF-IDF vectors of documents, stored flat (compressed sparse rows): document
/// `d`'s terms are `terms[offsets[d]..offsets[d + 1]]`, sorted by term id, with their weights
/// alongside. The cosine of two documents is then the dot product of two sorted lists.
#[derive(Debug, Default)]
pub(crate) struct TfIdf {
    offsets: Vec<usize>,
    terms: Vec<u32>,
    weights: Vec<f32>,
    vocabulary: usize,
}

impl TfIdf {
    /// Vectors of `texts`, one per text, over their content words
    /// ([`for_each_term`](super::text::for_each_term)).
    ///
    /// Weights follow sumy's LexRank: `tf = count / max count in the document` times the
    /// smoothed `idf = ln((1 + N) / (1 + df)) + 1` (always positive, unlike sumy's
    /// `ln(N / (1 + df))`, which is negative for a word in every document), then each vector is
    /// scaled to unit length so a dot product is a cosine.
    pub(crate) fn new<'t>(texts: impl IntoIterator<Item = &'t str>) -> Self {
        let mut ids: HashMap<String, u32, RandomState> = HashMap::default();
        let mut buffer = String::new();
        let mut doc: Vec<u32> = Vec::new();
        let mut offsets = vec![0];
        let mut terms: Vec<u32> = Vec::new();
        let mut counts: Vec<f32> = Vec::new();
        let mut df: Vec<u32> = Vec::new();
        for text in texts {
            doc.clear();
            for_each_term(text, &mut buffer, |term, _| {
                let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                let id = match ids.get(term) {
                    Some(&id) => id,
                    None => {
                        ids.insert(term.to_owned(), next);
                        df.push(0);
                        next
                    }
                };
                doc.push(id);
            });
            doc.sort_unstable();
            let first = terms.len();
            for run in doc.chunk_by(|a, b| a == b) {
                terms.push(run[0]);
                #[expect(clippy::cast_precision_loss, reason = "word counts are small")]
                counts.push(run.len() as f32);
                if let Some(d) = df.get_mut(run[0] as usize) {
                    *d += 1;
                }
            }
            let max = counts[first..].iter().copied().fold(0.0_f32, f32::max);
            for c in &mut counts[first..] {
                *c /= max;
            }
            offsets.push(terms.len());
        }
        #[expect(clippy::cast_precision_loss, reason = "document counts are far below 2^24")]
        let n = (offsets.len() - 1) as f32;
        #[expect(clippy::cast_precision_loss, reason = "document counts are far below 2^24")]
        let idf: Vec<f32> = df.iter().map(|&d| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0).collect();
        let mut weights = counts;
        for d in 0..offsets.len() - 1 {
            let range = offsets[d]..offsets[d + 1];
            for (w, &t) in weights[range.clone()].iter_mut().zip(&terms[range.clone()]) {
                *w *= idf.get(t as usize).copied().unwrap_or(1.0);
            }
            let norm = weights[range.clone()].iter().map(|w| w * w).sum::<f32>().sqrt();
            if norm > 0.0 {
                weights[range].iter_mut().for_each(|w| *w /= norm);
            }
        }
        Self { offsets, terms, weights, vocabulary: ids.len() }
    }

    /// How many documents there are.
    pub(crate) fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// How many distinct terms the documents hold.
    pub(crate) fn vocabulary(&self) -> usize {
        self.vocabulary
    }

    /// Document `d`'s term ids (sorted) and weights.
    pub(crate) fn row(&self, d: usize) -> (&[u32], &[f32]) {
        match (self.offsets.get(d), self.offsets.get(d + 1)) {
            (Some(&a), Some(&b)) => (&self.terms[a..b], &self.weights[a..b]),
            _ => (&[], &[]),
        }
    }

    /// The flat offset of document `d`'s first term.
    pub(crate) fn offset(&self, d: usize) -> usize {
        self.offsets.get(d).copied().unwrap_or(self.terms.len())
    }

    /// Whether document `d` has no content word.
    pub(crate) fn is_blank(&self, d: usize) -> bool {
        self.row(d).0.is_empty()
    }

    /// The cosine similarity of documents `a` and `b`, by merging their sorted term lists.
    pub(crate) fn cosine(&self, a: usize, b: usize) -> f32 {
        let ((ta, wa), (tb, wb)) = (self.row(a), self.row(b));
        let (mut i, mut j, mut dot) = (0, 0, 0.0);
        while i < ta.len() && j < tb.len() {
            match ta[i].cmp(&tb[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += wa[i] * wb[j];
                    i += 1;
                    j += 1;
                }
            }
        }
        dot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_are_unit_length_and_cosine_is_symmetric() {
        let v = TfIdf::new(["database migration rollback", "the migration of the database", "🎉"]);
        assert_eq!(v.len(), 3);
        assert_eq!(v.vocabulary(), 3);
        assert!(v.is_blank(2));
        let norm: f32 = v.row(0).1.iter().map(|w| w * w).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        assert!((v.cosine(0, 1) - v.cosine(1, 0)).abs() < 1e-7);
        assert!(v.cosine(0, 1) > 0.5 && v.cosine(0, 1) < 1.0);
        assert_eq!(v.cosine(0, 2), 0.0);
        assert!((v.cosine(1, 1) - 1.0).abs() < 1e-5);
    }
}
