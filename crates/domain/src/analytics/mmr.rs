//! Maximal marginal relevance: the most central texts, without repeating one another.

use super::tfidf::TfIdf;

/// A candidate this similar to one already chosen is a repeat and never chosen.
const DUPLICATE: f32 = 0.95;

/// Picks up to `count` documents by maximal marginal relevance (Carbonell & Goldstein, 1998).
///
/// # Algorithm
/// Greedily, the next pick maximizes `λ · score / max score − (1 − λ) · max cosine with the
/// picks so far`, so a text that repeats a chosen one loses to a slightly less central one
/// that says something else; a near-duplicate (cosine ≥ 0.95) or a blank text is never
/// picked. Only the `max(100, 20 · count)` best-scored documents are candidates, which keeps
/// the cost at `O(candidates · count)` cosines whatever the window's size. Returns indices in
/// pick order.
pub(crate) fn mmr(vectors: &TfIdf, scores: &[f64], count: usize, relevance: f64) -> Vec<usize> {
    let mut candidates: Vec<usize> =
        (0..scores.len()).filter(|&d| scores[d] > 0.0 && !vectors.is_blank(d)).collect();
    candidates.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    candidates.truncate(count.saturating_mul(20).max(100));
    let best = candidates.first().map_or(1.0, |&d| scores[d]);
    let mut closest = vec![0.0_f32; candidates.len()];
    let mut taken = vec![false; candidates.len()];
    let mut picks = Vec::with_capacity(count.min(candidates.len()));
    while picks.len() < count {
        let mut pick: Option<(usize, f64)> = None;
        for (c, &d) in candidates.iter().enumerate() {
            if taken[c] || closest[c] >= DUPLICATE {
                continue;
            }
            let value = relevance * scores[d] / best - (1.0 - relevance) * f64::from(closest[c]);
            if pick.is_none_or(|(_, v)| value > v) {
                pick = Some((c, value));
            }
        }
        let Some((c, _)) = pick else { break };
        taken[c] = true;
        let chosen = candidates[c];
        picks.push(chosen);
        for (k, &d) in candidates.iter().enumerate() {
            if !taken[k] {
                closest[k] = closest[k].max(vectors.cosine(chosen, d));
            }
        }
    }
    picks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_repeats_in_favour_of_new_content() {
        let vectors = TfIdf::new([
            "database migration tonight",
            "database migration tonight",
            "database migration tonight please",
            "pizza lunch friday",
        ]);
        let picks = mmr(&vectors, &[0.4, 0.4, 0.3, 0.1], 3, 0.7);
        assert_eq!(picks[0], 0);
        assert_eq!(picks[1], 3);
        assert!(!picks.contains(&1));
    }

    #[test]
    fn count_zero_or_nothing_to_pick() {
        let vectors = TfIdf::new(["a b", "database"]);
        assert!(mmr(&vectors, &[0.5, 0.5], 0, 0.7).is_empty());
        assert_eq!(mmr(&vectors, &[0.5, 0.5], 5, 0.7), [1]);
    }
}
