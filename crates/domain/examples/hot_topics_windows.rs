//! Writes the hot-topic quality windows as JSON (one object a line: label, planted topics,
//! the window's posts in time order, and our top 10), for checking against another YAKE.
//!
//! `cargo run --release -p switchboard-domain --example hot_topics_windows > windows.jsonl`,
//! then, with the `yake` package from PyPI:
//!
//! ```text
//! import json, yake
//! for gen in ["sandbox", "office"]:
//!     found = planted = first = windows = 0
//!     for r in map(json.loads, open("windows.jsonl")):
//!         if r["generator"] != gen or not r["planted"]:
//!             continue
//!         french = gen == "sandbox" and any(w in " ".join(r["posts"]).lower().split()
//!                                          for w in ["le", "la", "les", "du", "des"])
//!         ex = yake.KeywordExtractor(lan="fr" if french else "en", n=3, dedupLim=0.9, top=10)
//!         text = "\n".join(p if p.rstrip().endswith((".", "!", "?")) else p + "."
//!                          for p in r["posts"])
//!         kws = [k.lower() for k, _ in ex.extract_keywords(text)]
//!         windows += 1
//!         planted += len(r["planted"])
//!         found += sum(p in kws for p in r["planted"])
//!         first += bool(kws) and kws[0] in r["planted"]
//!     print(gen, found / planted, f"{first}/{windows}")
//! ```

#[path = "../tests/quality/mod.rs"]
#[expect(dead_code, reason = "the example uses part of the test helpers")]
mod quality;

// The sandbox's generator files name `crate::Provider`.
use quality::sandbox::Provider;
use quality::{Case, office, sandbox};
use serde_json::json;
use switchboard_domain::analytics::hot_topics;

fn main() {
    let mut cases: Vec<(&str, Case)> = Vec::new();
    cases.extend(sandbox::cases(&[1, 2]).into_iter().map(|c| ("sandbox", c)));
    cases.extend([11, 12].into_iter().flat_map(office::cases).map(|c| ("office", c)));
    for (generator, case) in &cases {
        let mut posts: Vec<&quality::Post> =
            case.posts.iter().filter(|p| case.window.contains(p.posted_at)).collect();
        posts.sort_by_key(|p| p.posted_at);
        let ours: Vec<String> =
            hot_topics(&case.messages(), case.window, 10).into_iter().map(|t| t.phrase).collect();
        let line = json!({
            "generator": generator,
            "label": case.label,
            "planted": case.planted,
            "posts": posts.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(),
            "ours": ours,
        });
        println!("{line}");
    }
}
