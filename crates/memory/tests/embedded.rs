//! The embedding example (`examples/embedded.rs`) runs start to finish: it cannot rot.

#[path = "../examples/embedded.rs"]
#[expect(dead_code, reason = "the example's `main` is not called here, its `run` is")]
mod embedded;

#[tokio::test(flavor = "multi_thread")]
async fn the_embedding_example_syncs_both_sources_and_analyses_every_channel() {
    let mut printed = Vec::new();
    let report = embedded::run(&mut printed).await.unwrap_or_else(|e| panic!("{e}"));
    let printed = String::from_utf8(printed).unwrap_or_default();
    assert_eq!(report.sources, 2, "{printed}");
    assert!(printed.contains("slack: active") && printed.contains("mattermost: active"));
    // The demo user reads seven channels of each fake workspace.
    assert_eq!(report.channels, 14, "{printed}");
    // Every channel with posts in the past day is analysed (most of them have some).
    assert!(report.active * 2 > report.channels, "{printed}");
    assert_eq!(report.analysed, report.active, "{printed}");
    assert!(report.posts > 0);
    assert_eq!(printed.matches("most active:").count(), report.channels);
}
