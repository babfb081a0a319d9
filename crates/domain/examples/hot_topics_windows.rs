//! Writes the hot-topic quality windows as JSON (one object a line: label, planted topics,
//! the window's posts in time order, and our top 10), for checking against another YAKE.

#[path = "../tests/quality/mod.rs"]
#[expect(dead_code, reason = "the example uses part of the test helpers")]
mod quality;

use quality::sandbox::Provider;
use quality::{Case, office, sandbox};
use serde_json::json;
use switchboard_domain::analytics::hot_topics;

fn main() {
    let _ = Provider::Slack;
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
