//! LexRank centrality (Erkan & Radev, 2004) and its options.

use super::graph::SimilarityGraph;
use super::parallel::Parallelism;
use super::tfidf::TfIdf;

/// Parameters shared by [`representative_messages`](super::representative_messages) and
/// [`summary`](super::summary).
///
/// ```
/// use switchboard_domain::analytics::LexRankOptions;
///
/// let options = LexRankOptions { count: 3, ..LexRankOptions::default() };
/// assert_eq!(options.threshold, 0.1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LexRankOptions {
    /// How many messages or sentences to return (default 5).
    pub count: usize,
    /// Two texts are linked when their TF-IDF cosine exceeds this (default 0.1, as in sumy).
    pub threshold: f32,
    /// The random walk's probability of jumping to any text (default 0.15, as in the paper;
    /// it makes the ranking unique when the graph has several components).
    pub damping: f64,
    /// MMR's trade-off between centrality (1.0) and novelty (0.0) (default 0.7).
    pub relevance: f64,
}

impl Default for LexRankOptions {
    fn default() -> Self {
        Self { count: 5, threshold: 0.1, damping: 0.15, relevance: 0.7 }
    }
}

/// Power iteration stops when the scores move less than this in total (L1).
const TOLERANCE: f64 = 1e-6;
/// And after this many iterations in any case.
const MAX_ITERATIONS: usize = 100;

/// The LexRank score of every document: the stationary distribution of a random walk on the
/// thresholded similarity graph, with damping. Blank documents score 0.
///
/// # Algorithm
/// `p(u) = d / M + (1 - d) · (Σ_{v ~ u} p(v) / deg(v) + Σ_{isolated w} p(w) / M)` over the `M`
/// non-blank documents, by power iteration on the sparse graph (`O(edges)` per step).
///
/// It departs from sumy in one way: sumy links each sentence to itself (its cosine with itself
/// is 1), so a text unlike any other keeps the walk on itself and ranks *above* texts that
/// echo a central one. Here there are no self-loops and an isolated text's share is spread over
/// all texts (the usual PageRank treatment of dangling nodes), so it ranks lowest.
///
/// The walk starts from the degree-proportional vector, the exact answer without damping on a
/// connected graph (a random walk on an undirected graph settles in proportion to degree), so
/// few steps are needed; it stops when the L1 change falls below 1e-6 or after 100 steps.
///
/// When the graph has more edges than [`EDGE_BUDGET`](super::graph::EDGE_BUDGET) (thousands of posts on a few topics make
/// a dense graph: 7.5 million edges for the bench's 10,000 posts, 60 steps of which cost a
/// second), the edges are not kept and the score is that starting vector mixed with the jump,
/// `p(u) = d / M + (1 - d) · deg(u) / Σ deg`: LexRank's degree centrality (Erkan & Radev,
/// section 3.1), which is the walk's stationary distribution without damping. On a dense graph
/// the two rankings agree at the top, which is all MMR uses.
pub(crate) fn lexrank(
    vectors: &TfIdf,
    options: &LexRankOptions,
    parallelism: &dyn Parallelism,
) -> Vec<f64> {
    let graph = SimilarityGraph::new(vectors, options.threshold, parallelism);
    centrality(&graph, options.damping.clamp(0.0, 1.0))
}

fn centrality(graph: &SimilarityGraph, damping: f64) -> Vec<f64> {
    let (degrees, blanks) = (graph.degrees(), graph.blanks());
    let nodes = blanks.iter().filter(|&&b| !b).count();
    if nodes == 0 {
        return vec![0.0; graph.len()];
    }
    #[expect(clippy::cast_precision_loss, reason = "node counts are far below 2^52")]
    let nodes = nodes as f64;
    let total: f64 =
        degrees.iter().zip(blanks).filter(|(_, b)| !**b).map(|(&d, _)| f64::from(d) + 1.0).sum();
    let mut p: Vec<f64> = degrees
        .iter()
        .zip(blanks)
        .map(|(&d, &b)| if b { 0.0 } else { (f64::from(d) + 1.0) / total })
        .collect();
    if !graph.has_edges() {
        for (x, &b) in p.iter_mut().zip(blanks) {
            if !b {
                *x = damping / nodes + (1.0 - damping) * *x;
            }
        }
        return p;
    }
    let mut share = vec![0.0; p.len()];
    let mut next = vec![0.0; p.len()];
    for _ in 0..MAX_ITERATIONS {
        let mut dangling = 0.0;
        for ((s, &x), &d) in share.iter_mut().zip(&p).zip(degrees) {
            if d > 0 {
                *s = x / f64::from(d);
            } else {
                *s = 0.0;
                dangling += x;
            }
        }
        next.iter_mut().for_each(|n| *n = 0.0);
        for i in 0..p.len() {
            let mut gathered = 0.0;
            for &j in graph.upper(i) {
                let j = j as usize;
                gathered += share[j];
                next[j] += share[i];
            }
            next[i] += gathered;
        }
        let base = damping / nodes + (1.0 - damping) * dangling / nodes;
        let mut change = 0.0;
        for ((n, x), &b) in next.iter().zip(&mut p).zip(blanks) {
            let value = if b { 0.0 } else { base + (1.0 - damping) * n };
            change += (value - *x).abs();
            *x = value;
        }
        if change < TOLERANCE {
            break;
        }
    }
    p
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::analytics::Sequential;

    #[test]
    fn the_hub_of_a_star_scores_highest_and_scores_sum_to_one() {
        let texts = [
            "database migration rollback plan",
            "database schema",
            "migration window",
            "rollback script",
            "lunch pizza",
            "🎉",
        ];
        let vectors = TfIdf::new(texts);
        let scores = lexrank(&vectors, &LexRankOptions::default(), &Sequential);
        let best = (0..texts.len()).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap();
        assert_eq!(best, 0);
        assert_eq!(scores[5], 0.0);
        assert!(scores[4] > 0.0);
        assert!((scores.iter().sum::<f64>() - 1.0).abs() < 1e-6);
        assert!(scores[4] < scores[1], "isolated below linked");
        assert!(scores[1] < scores[0]);
    }

    #[test]
    fn no_documents_no_scores() {
        assert!(lexrank(&TfIdf::new([]), &LexRankOptions::default(), &Sequential).is_empty());
        assert_eq!(
            lexrank(&TfIdf::new(["", "!!"]), &LexRankOptions::default(), &Sequential),
            [0.0, 0.0]
        );
    }
}
