//! The generated data: deterministic, large enough, with the planted topics where promised.

use std::time::Instant;

use switchboard_sandbox::{Provider, Sandbox};

use crate::support::fixed_now;

#[test]
fn the_same_seed_gives_the_same_data() {
    let build =
        |seed| Sandbox::builder().seed(seed).now(fixed_now()).posts_per_channel(300).build();
    let (a, b, c) = (build(1), build(1), build(2));
    for provider in [Provider::Slack, Provider::Mattermost] {
        assert_eq!(a.channels(provider), b.channels(provider));
        assert_eq!(a.users(provider), b.users(provider));
        assert_ne!(a.channels(provider), c.channels(provider));
    }
}

#[test]
fn the_default_size_is_tens_of_thousands_of_posts_and_quick_to_build() {
    let started = Instant::now();
    let sandbox = Sandbox::builder().now(fixed_now()).build();
    let elapsed = started.elapsed();
    let slack = sandbox.post_count(Provider::Slack);
    let mattermost = sandbox.post_count(Provider::Mattermost);
    let mail: usize = sandbox.mailboxes().iter().map(|m| m.messages).sum();
    // Reported, not asserted: timings depend on the machine.
    println!(
        "generated {} posts ({slack} Slack, {mattermost} Mattermost) and {mail} mail messages in {:?} (build {:?})",
        slack + mattermost,
        sandbox.generation_time(),
        elapsed
    );
    assert!(slack + mattermost >= 40_000);
    assert!(mail >= 1_000, "hundreds of messages per mailbox");
    for provider in [Provider::Slack, Provider::Mattermost] {
        let channels = sandbox.channels(provider);
        assert!(channels.len() >= 6);
        assert!(channels.iter().all(|c| !c.topics.is_empty()));
        assert!(sandbox.users(provider).len() >= 30);
    }
}

#[tokio::test]
async fn hot_topics_fill_the_last_day_and_only_it() {
    let sb = crate::support::start();
    let channel =
        sb.channels(Provider::Mattermost).into_iter().find(|c| c.name == "cryo-em").unwrap();
    let hot = channel.hot_topics[0].clone();
    let url = format!("{}/api/v4/channels/{}/posts", sb.mattermost_base_url(), channel.id);
    let day_ago = (sb.now() - chrono::Duration::days(1)).timestamp_millis();
    let (mut recent, mut recent_hot, mut older, mut older_hot, mut topical) = (0, 0, 0, 0, 0);
    for page in 0.. {
        let list: serde_json::Value = crate::support::client()
            .get(&url)
            .bearer_auth(switchboard_sandbox::MATTERMOST_TOKEN)
            .query(&[("page", page), ("per_page", 200)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let order = list["order"].as_array().unwrap();
        if order.is_empty() {
            break;
        }
        for id in order {
            let post = &list["posts"][id.as_str().unwrap()];
            let message = post["message"].as_str().unwrap();
            let is_hot = message.contains(&hot);
            if channel.topics.iter().any(|t| message.contains(t.as_str())) {
                topical += 1;
            }
            if post["create_at"].as_i64().unwrap() >= day_ago {
                recent += 1;
                recent_hot += usize::from(is_hot);
            } else {
                older += 1;
                older_hot += usize::from(is_hot);
            }
        }
    }
    println!("cryo-em: {recent} posts in the last day, {recent_hot} on {hot:?}; {older} older");
    assert!(recent >= 10, "the last day is busy enough");
    assert!(recent_hot * 4 >= recent, "the hot topic fills the last day");
    assert_eq!(older_hot, 0, "and only the last day");
    assert!(topical * 3 >= older, "the channel's topics recur all along");
}
