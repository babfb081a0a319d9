//! The similarity graph of LexRank, built through an inverted index.

use super::parallel::{Parallelism, map_parts};
use super::tfidf::TfIdf;

/// The graph joining documents whose cosine similarity exceeds a threshold (sumy's LexRank
/// keeps an edge of weight 1 when `cosine > 0.1`). Unlike sumy there are no self-loops (see
/// [`lexrank`](super::lexrank::lexrank) for why). Every node's degree is known; the edges
/// themselves are kept only up to [`EDGE_BUDGET`] (a dense graph of 10,000 chat posts has
/// millions, and power iteration over them would cost more than it tells, see
/// [`lexrank`](super::lexrank::lexrank)). Only the upper triangle is stored:
/// `upper[offsets[i]..offsets[i + 1]]` are the neighbours `j > i` of `i`.
#[derive(Debug, Default)]
pub(crate) struct SimilarityGraph {
    offsets: Vec<usize>,
    upper: Vec<u32>,
    degree: Vec<u32>,
    blank: Vec<bool>,
    complete: bool,
}

/// The most edges kept for power iteration.
pub(crate) const EDGE_BUDGET: usize = 1_000_000;

/// Past this many accumulations (`Σ df²/2`), degrees are estimated against a sample.
pub(crate) const EXACT_WORK: usize = 6_000_000;

/// Rows below this count are not worth a part of their own.
const ROWS_PER_PART: usize = 512;

/// The most parts a graph is split into, whatever the parallelism offers.
const MAX_PARTS: usize = 8;

/// How many parts `n` rows are split into on `parallelism`.
fn parts(parallelism: &dyn Parallelism, n: usize) -> usize {
    parallelism.width().min(MAX_PARTS).min(n / ROWS_PER_PART).max(1)
}

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
    /// estimated work, each part with its own accumulator, run on the caller's `parallelism`
    /// (the graph spawns no thread of its own).
    ///
    /// When that work exceeds [`EXACT_WORK`] (a window of thousands of posts on a few topics),
    /// degrees are estimated against a sample instead (see [`sampled`](Self::sampled)), which
    /// bounds the cost whatever the density.
    pub(crate) fn new(vectors: &TfIdf, threshold: f32, parallelism: &dyn Parallelism) -> Self {
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
        if total > EXACT_WORK {
            return Self::sampled(vectors, threshold, total, parallelism);
        }
        let threads = parts(parallelism, n);
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
        let budget = EDGE_BUDGET / (bounds.len() - 1).max(1);
        let parts: Vec<Rows> = if bounds.len() <= 2 {
            vec![rows(vectors, &index, threshold, 0..n, budget)]
        } else {
            let index = &index;
            let jobs: Vec<_> = bounds
                .windows(2)
                .map(|b| {
                    let range = b[0]..b[1];
                    move || rows(vectors, index, threshold, range, budget)
                })
                .collect();
            map_parts(parallelism, jobs)
        };
        let complete = parts.iter().all(|p| p.complete);
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        let mut upper = Vec::new();
        let mut degree = vec![0_u32; n];
        let mut row = 0;
        for part in parts {
            for (k, d) in part.degree.iter().enumerate() {
                // Upper-triangle degrees: the rest comes from the neighbours' side below.
                if let Some(slot) = degree.get_mut(row + k) {
                    *slot += d;
                }
            }
            for (j, count) in part.lower_counts {
                if let Some(slot) = degree.get_mut(j) {
                    *slot += count;
                }
            }
            if complete {
                let base = upper.len();
                offsets.extend(part.lengths.iter().map(|l| base + l));
                upper.extend(part.neighbours);
            }
            row += part.degree.len();
        }
        offsets.resize(n + 1, upper.len());
        let blank = (0..n).map(|d| vectors.is_blank(d)).collect();
        Self { offsets, upper, degree, blank, complete }
    }

    /// How many documents (nodes) the graph has.
    pub(crate) fn len(&self) -> usize {
        self.degree.len()
    }

    /// Degrees estimated against every `k`-th document, `k` chosen to keep the work near
    /// [`EXACT_WORK`]: each document's similarities to the sampled documents are accumulated
    /// through an index of the sample alone, and its degree is `k` times the sampled neighbours
    /// (an unbiased estimate). No edges are kept.
    fn sampled(
        vectors: &TfIdf,
        threshold: f32,
        total: usize,
        parallelism: &dyn Parallelism,
    ) -> Self {
        let n = vectors.len();
        // Each row now meets the sampled part of all its postings, not only the later ones.
        let stride = (2 * total).div_ceil(EXACT_WORK).max(2);
        let index = InvertedIndex::sample(vectors, stride);
        let threads = parts(parallelism, n);
        let chunk = n.div_ceil(threads).max(1);
        let stride32 = u32::try_from(stride).unwrap_or(u32::MAX);
        let index = &index;
        let jobs: Vec<_> = (0..threads)
            .map(|t| {
                let range = (t * chunk).min(n)..((t + 1) * chunk).min(n);
                move || sampled_degrees(vectors, index, threshold, range)
            })
            .collect();
        let mut degree: Vec<u32> = map_parts(parallelism, jobs).into_iter().flatten().collect();
        degree.resize(n, 0);
        degree.iter_mut().for_each(|d| *d = d.saturating_mul(stride32));
        let blank = (0..n).map(|d| vectors.is_blank(d)).collect();
        Self { offsets: vec![0; n + 1], upper: Vec::new(), degree, blank, complete: false }
    }

    /// Whether the edges were kept ([`upper`](Self::upper) is empty otherwise).
    pub(crate) fn has_edges(&self) -> bool {
        self.complete
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

    /// The index of every `stride`-th document only (`position` is left empty).
    fn sample(vectors: &TfIdf, stride: usize) -> Self {
        let mut offsets = vec![0_usize; vectors.vocabulary() + 1];
        for d in (0..vectors.len()).step_by(stride) {
            for &t in vectors.row(d).0 {
                offsets[t as usize + 1] += 1;
            }
        }
        for t in 0..vectors.vocabulary() {
            offsets[t + 1] += offsets[t];
        }
        let entries = offsets[vectors.vocabulary()];
        let mut fill = offsets.clone();
        let (mut docs, mut weights) = (vec![0_u32; entries], vec![0_f32; entries]);
        for d in (0..vectors.len()).step_by(stride) {
            let (terms, ws) = vectors.row(d);
            for (&t, &w) in terms.iter().zip(ws) {
                let at = fill[t as usize];
                fill[t as usize] += 1;
                docs[at] = u32::try_from(d).unwrap_or(u32::MAX);
                weights[at] = w;
            }
        }
        Self { offsets, docs, weights, position: Vec::new() }
    }

    /// How many postings of `term` follow the entry at flat position `entry`.
    fn remaining(&self, term: u32, entry: usize) -> usize {
        self.offsets[term as usize + 1] - self.position[entry] - 1
    }
}

/// For each row of `range`, its neighbours among the documents of a sampled index.
fn sampled_degrees(
    vectors: &TfIdf,
    index: &InvertedIndex,
    threshold: f32,
    range: std::ops::Range<usize>,
) -> Vec<u32> {
    let mut scores = vec![0_f32; vectors.len()];
    let mut touched: Vec<u32> = Vec::new();
    let mut degrees = Vec::with_capacity(range.len());
    for i in range {
        let (terms, weights) = vectors.row(i);
        for (&t, &w) in terms.iter().zip(weights) {
            let (start, end) = (index.offsets[t as usize], index.offsets[t as usize + 1]);
            for (&j, &wj) in index.docs[start..end].iter().zip(&index.weights[start..end]) {
                let s = &mut scores[j as usize];
                if *s == 0.0 {
                    touched.push(j);
                }
                *s += w * wj;
            }
        }
        let mut degree = 0;
        for &j in &touched {
            let s = &mut scores[j as usize];
            if *s > threshold && j as usize != i {
                degree += 1;
            }
            *s = 0.0;
        }
        touched.clear();
        degrees.push(degree);
    }
    degrees
}

/// What one worker found about its rows.
#[derive(Default)]
struct Rows {
    /// Each row's count of neighbours after it.
    degree: Vec<u32>,
    /// For every document, how many of this worker's rows have it as a later neighbour.
    lower_counts: Vec<(usize, u32)>,
    /// The cumulative neighbour count after each row, and the neighbours, while within budget.
    lengths: Vec<usize>,
    neighbours: Vec<u32>,
    complete: bool,
}

/// The upper-triangle neighbours of the rows in `range`: degrees always, the edges themselves
/// only while there are at most `budget` of them.
fn rows(
    vectors: &TfIdf,
    index: &InvertedIndex,
    threshold: f32,
    range: std::ops::Range<usize>,
    budget: usize,
) -> Rows {
    let mut scores = vec![0_f32; vectors.len()];
    let mut lower = vec![0_u32; vectors.len()];
    let mut touched: Vec<u32> = Vec::new();
    let mut out = Rows { complete: true, ..Rows::default() };
    out.degree.reserve(range.len());
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
        let mut degree = 0;
        for &j in &touched {
            let s = &mut scores[j as usize];
            if *s > threshold {
                degree += 1;
                lower[j as usize] += 1;
                if out.complete {
                    out.neighbours.push(j);
                }
            }
            *s = 0.0;
        }
        touched.clear();
        out.degree.push(degree);
        if out.complete {
            if out.neighbours.len() > budget {
                out.complete = false;
                out.neighbours = Vec::new();
                out.lengths = Vec::new();
            } else {
                out.lengths.push(out.neighbours.len());
            }
        }
    }
    out.lower_counts = lower.into_iter().enumerate().filter(|(_, c)| *c > 0).collect();
    out
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::analytics::{Sequential, Task};

    /// Runs the parts in reverse order on the calling thread, counting them.
    #[derive(Default)]
    struct Counting {
        parts: AtomicUsize,
    }

    impl Parallelism for Counting {
        fn width(&self) -> usize {
            4
        }

        fn run<'a>(&self, tasks: Vec<Task<'a>>) {
            self.parts.fetch_add(tasks.len(), Ordering::Relaxed);
            tasks.into_iter().rev().for_each(|task| task());
        }
    }

    fn graph_rows(graph: &SimilarityGraph) -> Vec<Vec<u32>> {
        (0..graph.len())
            .map(|i| {
                let mut row = graph.upper(i).to_vec();
                row.sort_unstable();
                row
            })
            .collect()
    }

    #[test]
    fn the_parts_run_on_the_callers_parallelism_and_agree_with_one_part() {
        let texts: Vec<String> =
            (0..3000).map(|i| format!("w{} v{} topic{}", i % 37, i % 41, i % 29)).collect();
        let vectors = TfIdf::new(texts.iter().map(String::as_str));
        let counting = Counting::default();
        let split = SimilarityGraph::new(&vectors, 0.1, &counting);
        assert_eq!(counting.parts.load(Ordering::Relaxed), 4, "one task per part");
        let whole = SimilarityGraph::new(&vectors, 0.1, &Sequential);
        assert!(split.has_edges() && whole.has_edges());
        assert_eq!(split.degrees(), whole.degrees());
        assert_eq!(graph_rows(&split), graph_rows(&whole));
    }

    #[test]
    fn the_sampled_path_runs_on_the_callers_parallelism_too() {
        let texts: Vec<String> =
            (0..4000).map(|i| format!("common w{} topic{}", i % 50, i % 3)).collect();
        let vectors = TfIdf::new(texts.iter().map(String::as_str));
        let counting = Counting::default();
        let split = SimilarityGraph::new(&vectors, 0.1, &counting);
        assert!(!split.has_edges(), "expected the sampled path");
        assert_eq!(counting.parts.load(Ordering::Relaxed), 4);
        assert_eq!(split.degrees(), SimilarityGraph::new(&vectors, 0.1, &Sequential).degrees());
    }

    #[test]
    fn matches_all_pairs_comparison() {
        let texts: Vec<String> = (0..1500)
            .map(|i| format!("w{} v{} u{} topic{}", i % 37, i % 41, i % 43, i % 29))
            .collect();
        let vectors = TfIdf::new(texts.iter().map(String::as_str));
        let graph = SimilarityGraph::new(&vectors, 0.1, &Sequential);
        assert!(graph.has_edges());
        let mut expected = 0;
        for i in (0..texts.len()).step_by(37) {
            let brute: Vec<u32> = (i + 1..texts.len())
                .filter(|&j| vectors.cosine(i, j) > 0.1)
                .map(|j| u32::try_from(j).unwrap())
                .collect();
            let mut found = graph.upper(i).to_vec();
            found.sort_unstable();
            assert_eq!(found, brute, "row {i}");
            let all = (0..texts.len()).filter(|&j| j != i && vectors.cosine(i, j) > 0.1).count();
            assert_eq!(graph.degrees()[i] as usize, all, "degree of {i}");
            expected += brute.len();
        }
        assert!(expected > 0);
        assert!(graph.edges() > 0);
        assert_eq!(graph.len(), 1500);
    }

    #[test]
    fn sampled_degrees_estimate_exact_ones() {
        // Dense: every text shares "common" with every other.
        let texts: Vec<String> =
            (0..4000).map(|i| format!("common w{} topic{}", i % 50, i % 3)).collect();
        let vectors = TfIdf::new(texts.iter().map(String::as_str));
        let graph = SimilarityGraph::new(&vectors, 0.1, &Sequential);
        assert!(!graph.has_edges(), "expected the sampled path");
        for i in [0, 1, 2, 1234, 3999] {
            let exact = (0..texts.len()).filter(|&j| j != i && vectors.cosine(i, j) > 0.1).count();
            let estimate = graph.degrees()[i] as usize;
            assert!(estimate.abs_diff(exact) * 10 <= exact, "{i}: {estimate} vs {exact}");
        }
    }
}
