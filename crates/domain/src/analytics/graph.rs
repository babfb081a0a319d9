//! The similarity graph of LexRank, built through an inverted index.

use std::num::NonZeroUsize;
use std::thread;

use super::tfidf::TfIdf;

/// The graph joining documents whose cosine similarity exceeds a threshold (sumy's LexRank
/// keeps an edge of weight 1 when `cosine > 0.1`). Unlike sumy there are no self-loops (see
/// [`lexrank`](super::lexrank::lexrank) for why). Only the upper triangle is stored:
/// `upper[offsets[i]..offsets[i + 1]]` are the neighbours `j > i` of `i`.
#[derive(Debug, Default)]
pub(crate) struct SimilarityGraph {
    offsets: Vec<usize>,
    upper: Vec<u32>,
    degree: Vec<u32>,
    blank: Vec<bool>,
}

/// Rows below this count are not worth a thread.
const ROWS_PER_THREAD: usize = 512;

impl SimilarityGraph {
    /// Builds the graph of `vectors` for cosines above `threshold`.
    ///
    /// # Algorithm
    /// Comparing every pair costs `N²/2` sparse dot products (50 million for 10,000 messages),
    /// almost all of them zero, since two chat messages rarely share a word. Instead an
    /// inverted index lists, per term, the documents holding it (in document order, with the
    /// term's weight). For document `i`, the dot products with every later document are
    /// accumulated in one dense array by walking, for each term of `i`, the part of its
    /// posting list after `i`; only documents sharing a term are touched, and the total work is
    /// `Σ df(t)²/2` instead of `N²/2`. Rows are split across the machine's cores by that
    /// estimated work (scoped threads: no runtime, no dependency), each with its own
    /// accumulator.
    pub(crate) fn new(vectors: &TfIdf, threshold: f32) -> Self {
        let n = vectors.len();
        let index = InvertedIndex::new(vectors);
        // Work for row i: the postings after i of each of its terms.
        let work: Vec<usize> = (0..n)
            .map(|d| {
                let (terms, _) = vectors.row(d);
                let first = vectors.offset(d);
                (0..terms.len()).map(|k| index.remaining(terms[k], first + k)).sum::<usize>() + 1
            })
            .collect();
        let total: usize = work.iter().sum();
        let threads = thread::available_parallelism()
            .map_or(1, NonZeroUsize::get)
            .min(8)
            .min(n / ROWS_PER_THREAD)
            .max(1);
        let mut bounds = vec![0];
        let mut acc = 0;
        for (d, w) in work.iter().enumerate() {
            acc += w;
            if acc * threads >= total * bounds.len() && bounds.len() < threads {
                bounds.push(d + 1);
            }
        }
        bounds.push(n);
        bounds.dedup();
        let parts: Vec<(Vec<usize>, Vec<u32>)> = if bounds.len() <= 2 {
            vec![rows(vectors, &index, threshold, 0..n)]
        } else {
            thread::scope(|s| {
                let handles: Vec<_> = bounds
                    .windows(2)
                    .map(|b| {
                        let (index, range) = (&index, b[0]..b[1]);
                        s.spawn(move || rows(vectors, index, threshold, range))
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
            })
        };
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        let mut upper = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum());
        for (lengths, neighbours) in parts {
            let base = upper.len();
            offsets.extend(lengths.iter().map(|l| base + l));
            upper.extend(neighbours);
        }
        // A panicked worker (impossible short of a bug) leaves its rows without edges.
        offsets.resize(n + 1, upper.len());
        let mut degree = vec![0_u32; n];
        for i in 0..n {
            for &j in &upper[offsets[i]..offsets[i + 1]] {
                degree[i] += 1;
                if let Some(d) = degree.get_mut(j as usize) {
                    *d += 1;
                }
            }
        }
        let blank = (0..n).map(|d| vectors.is_blank(d)).collect();
        Self { offsets, upper, degree, blank }
    }

    /// How many documents (nodes) the graph has.
    pub(crate) fn len(&self) -> usize {
        self.degree.len()
    }

    /// Node `i`'s neighbours after it.
    pub(crate) fn upper(&self, i: usize) -> &[u32] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.upper[a..b],
            _ => &[],
        }
    }

    /// The degree of each node.
    pub(crate) fn degrees(&self) -> &[u32] {
        &self.degree
    }

    /// Whether each node is a blank document (no content word), outside the ranking.
    pub(crate) fn blanks(&self) -> &[bool] {
        &self.blank
    }

    /// How many edges join distinct nodes.
    #[cfg(test)]
    pub(crate) fn edges(&self) -> usize {
        self.upper.len()
    }
}

/// For each term, the documents holding it and the term's weight there, in document order.
struct InvertedIndex {
    offsets: Vec<usize>,
    docs: Vec<u32>,
    weights: Vec<f32>,
    /// For each flat (document, term) entry of the vectors, its place in the term's postings.
    position: Vec<usize>,
}

impl InvertedIndex {
    fn new(vectors: &TfIdf) -> Self {
        let mut offsets = vec![0_usize; vectors.vocabulary() + 1];
        for d in 0..vectors.len() {
            for &t in vectors.row(d).0 {
                offsets[t as usize + 1] += 1;
            }
        }
        for t in 0..vectors.vocabulary() {
            offsets[t + 1] += offsets[t];
        }
        let entries = offsets[vectors.vocabulary()];
        let mut fill = offsets.clone();
        let (mut docs, mut weights, mut position) =
            (vec![0_u32; entries], vec![0_f32; entries], vec![0_usize; entries]);
        for d in 0..vectors.len() {
            let (terms, ws) = vectors.row(d);
            let first = vectors.offset(d);
            for (k, (&t, &w)) in terms.iter().zip(ws).enumerate() {
                let at = fill[t as usize];
                fill[t as usize] += 1;
                docs[at] = u32::try_from(d).unwrap_or(u32::MAX);
                weights[at] = w;
                position[first + k] = at;
            }
        }
        Self { offsets, docs, weights, position }
    }

    /// How many postings of `term` follow the entry at flat position `entry`.
    fn remaining(&self, term: u32, entry: usize) -> usize {
        self.offsets[term as usize + 1] - self.position[entry] - 1
    }
}

/// The upper-triangle neighbours of the rows in `range`: each row's neighbour count, and
/// the neighbours one row after another.
fn rows(
    vectors: &TfIdf,
    index: &InvertedIndex,
    threshold: f32,
    range: std::ops::Range<usize>,
) -> (Vec<usize>, Vec<u32>) {
    let mut scores = vec![0_f32; vectors.len()];
    let mut touched: Vec<u32> = Vec::new();
    let mut lengths = Vec::with_capacity(range.len());
    let mut neighbours = Vec::new();
    for i in range {
        let (terms, weights) = vectors.row(i);
        let first = vectors.offset(i);
        for (k, (&t, &w)) in terms.iter().zip(weights).enumerate() {
            let after = index.position[first + k] + 1;
            let end = index.offsets[t as usize + 1];
            for (&j, &wj) in index.docs[after..end].iter().zip(&index.weights[after..end]) {
                let s = &mut scores[j as usize];
                if *s == 0.0 {
                    touched.push(j);
                }
                *s += w * wj;
            }
        }
        touched.sort_unstable();
        let before = neighbours.len();
        for &j in &touched {
            let s = &mut scores[j as usize];
            if *s > threshold {
                neighbours.push(j);
            }
            *s = 0.0;
        }
        touched.clear();
        lengths.push(neighbours.len() - before);
    }
    let mut cumulative = Vec::with_capacity(lengths.len());
    let mut sum = 0;
    for l in lengths {
        sum += l;
        cumulative.push(sum);
    }
    (cumulative, neighbours)
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn matches_all_pairs_comparison() {
        let texts: Vec<String> = (0..3000)
            .map(|i| format!("w{} w{} w{} topic{}", i % 7, i % 11, i % 13, i % 5))
            .collect();
        let vectors = TfIdf::new(texts.iter().map(String::as_str));
        let graph = SimilarityGraph::new(&vectors, 0.1);
        let mut expected = 0;
        for i in (0..texts.len()).step_by(37) {
            let brute: Vec<u32> = (i + 1..texts.len())
                .filter(|&j| vectors.cosine(i, j) > 0.1)
                .map(|j| u32::try_from(j).unwrap())
                .collect();
            assert_eq!(graph.upper(i), brute.as_slice(), "row {i}");
            expected += brute.len();
        }
        assert!(expected > 0);
        assert!(graph.edges() > 0);
        assert_eq!(graph.len(), 3000);
    }
}
