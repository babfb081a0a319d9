//! The analytics on generated channels and on edge cases (issue 5, items 4 and 8).

#![expect(clippy::unwrap_used, reason = "tests")]

use chrono::{DateTime, TimeDelta, Utc};
use switchboard_domain::analytics::{
    ChatMessage, LexRankOptions, Sequential, TimeWindow, hot_topics, most_active, pulse,
    representative_messages, summary,
};

mod corpus;

fn at(minutes: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_714_550_400, 0).unwrap() + TimeDelta::minutes(minutes)
}

fn day() -> TimeWindow {
    TimeWindow::new(at(0), at(24 * 60))
}

fn options(count: usize) -> LexRankOptions {
    LexRankOptions { count, ..LexRankOptions::default() }
}

#[test]
fn planted_topics_surface_in_hot_topics() {
    for seed in [1, 2, 3] {
        let channel = corpus::channel(seed, 30, 200, 600, 3);
        let topics = hot_topics(&channel.messages(), channel.window, 10);
        let phrases: Vec<&str> = topics.iter().map(|t| t.phrase.as_str()).collect();
        for planted in &channel.planted {
            assert!(
                phrases.contains(&planted.phrase),
                "seed {seed}: {} not in {phrases:?}",
                planted.phrase
            );
        }
        // Standing topics are talked about every day: they do not stand out.
        for standing in &corpus::STANDING {
            let rank = phrases.iter().position(|p| *p == standing.phrase);
            assert!(rank.is_none_or(|r| r >= channel.planted.len()), "seed {seed}: {phrases:?}");
        }
    }
}

#[test]
fn a_french_planted_topic_surfaces_too() {
    let channel = corpus::channel(4, 20, 150, 400, 4);
    let topics = hot_topics(&channel.messages(), channel.window, 10);
    let phrases: Vec<&str> = topics.iter().map(|t| t.phrase.as_str()).collect();
    assert!(phrases.contains(&"réunion budgétaire"), "{phrases:?}");
    // French stop words never make a topic.
    assert!(
        phrases.iter().all(|p| !p.split(' ').any(|w| ["la", "est", "du", "avec"].contains(&w)))
    );
}

#[test]
fn summary_and_representatives_cover_the_window_topics() {
    let channel = corpus::channel(5, 10, 200, 1_000, 3);
    let messages = channel.messages();
    let picked = representative_messages(&messages, channel.window, &options(8), &Sequential);
    assert_eq!(picked.len(), 8);
    assert!(picked.windows(2).all(|w| w[0].posted_at <= w[1].posted_at), "time order");
    assert!(picked.iter().all(|m| channel.window.contains(m.posted_at)));
    let texts: Vec<String> = picked.iter().map(|m| m.message.to_lowercase()).collect();
    for planted in &channel.planted {
        assert!(
            texts.iter().any(|t| t.contains(planted.phrase)),
            "{} not in {texts:#?}",
            planted.phrase
        );
    }
    let s = summary(&messages, channel.window, &options(6), &Sequential);
    assert_eq!(s.sentences.len(), 6);
    let covered =
        channel.planted.iter().filter(|p| s.text().to_lowercase().contains(p.phrase)).count();
    assert!(covered >= 2, "{}", s.text());
    // No sentence is repeated.
    let mut seen: Vec<&str> = s.sentences.iter().map(|x| x.text).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 6);
}

#[test]
fn empty_input_gives_empty_answers() {
    assert!(representative_messages(&[], day(), &options(5), &Sequential).is_empty());
    assert!(summary(&[], day(), &options(5), &Sequential).is_empty());
    assert!(hot_topics(&[], day(), 10).is_empty());
    assert!(most_active(&[], day(), 10).is_empty());
    assert!(pulse(&[], day(), TimeDelta::hours(1)).unwrap().iter().all(|p| p.rate == 0.0));
    let outside = [ChatMessage::new("ada", "database migration", at(-5))];
    assert!(representative_messages(&outside, day(), &options(5), &Sequential).is_empty());
}

#[test]
fn one_message() {
    let posts =
        [ChatMessage::new("ada", "The database migration starts at noon. Be ready!", at(5))];
    let picked = representative_messages(&posts, day(), &options(5), &Sequential);
    assert_eq!(picked.len(), 1);
    assert_eq!(picked[0].username, "ada");
    let s = summary(&posts, day(), &options(1), &Sequential);
    assert_eq!(s.text(), "The database migration starts at noon.");
    let topics = hot_topics(&posts, day(), 3);
    assert_eq!(topics[0].phrase, "database migration starts");
    assert_eq!(most_active(&posts, day(), 3)[0].posts, 1);
}

#[test]
fn identical_messages_give_one_pick() {
    let posts: Vec<ChatMessage<'_>> = (0..50)
        .map(|i| ChatMessage::new("bot", "Deploy finished on staging cluster", at(i)))
        .collect();
    assert_eq!(representative_messages(&posts, day(), &options(5), &Sequential).len(), 1);
    assert_eq!(summary(&posts, day(), &options(5), &Sequential).sentences.len(), 1);
    let topics = hot_topics(&posts, day(), 5);
    let phrases: Vec<(&str, usize)> = topics.iter().map(|t| (t.phrase.as_str(), t.posts)).collect();
    // "on" is a stop word and "finished" chat filler: "deploy" and "staging cluster" are
    // always together, so one topic, the longer phrase.
    assert_eq!(phrases, [("staging cluster", 50)]);
}

#[test]
fn posts_without_words_give_nothing_and_do_not_crowd_out_real_ones() {
    let mut posts: Vec<ChatMessage<'_>> =
        ["🎉🎉", ":+1:", "https://example.com/x", "@ada", "`ls -la`", "42", "", "   "]
            .iter()
            .enumerate()
            .map(|(i, t)| ChatMessage::new("bob", t, at(i64::try_from(i).unwrap())))
            .collect();
    assert!(representative_messages(&posts, day(), &options(3), &Sequential).is_empty());
    assert!(summary(&posts, day(), &options(3), &Sequential).is_empty());
    assert!(hot_topics(&posts, day(), 3).is_empty());
    posts.push(ChatMessage::new("cyd", "Budget review moved to Friday", at(30)));
    let picked = representative_messages(&posts, day(), &options(3), &Sequential);
    assert_eq!(
        picked.iter().map(|m| m.message).collect::<Vec<_>>(),
        ["Budget review moved to Friday"]
    );
}

#[test]
fn mixed_languages_share_one_ranking() {
    let texts = [
        "La réunion budgétaire est déplacée à jeudi",
        "The budget meeting moved to Thursday",
        "réunion budgétaire jeudi avec la direction",
        "On a besoin des prévisions pour la réunion budgétaire",
        "lunch anyone?",
    ];
    let posts: Vec<ChatMessage<'_>> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| ChatMessage::new("eve", t, at(i64::try_from(i).unwrap())))
        .collect();
    let topics = hot_topics(&posts, day(), 3);
    assert_eq!(topics[0].phrase, "réunion budgétaire");
    let picked = representative_messages(&posts, day(), &options(1), &Sequential);
    assert!(picked[0].message.contains("réunion budgétaire"), "{picked:?}");
}

#[test]
fn very_long_posts_are_handled() {
    let long = "database migration rollback plan ".repeat(20_000);
    let no_spaces = "x".repeat(200_000);
    let posts = [
        ChatMessage::new("ada", &long, at(1)),
        ChatMessage::new("bob", &no_spaces, at(2)),
        ChatMessage::new("cyd", "Is the rollback plan tested?", at(3)),
    ];
    let picked = representative_messages(&posts, day(), &options(3), &Sequential);
    assert_eq!(picked.len(), 3);
    let s = summary(&posts, day(), &options(2), &Sequential);
    assert_eq!(s.sentences.len(), 2);
    let topics = hot_topics(&posts, day(), 3);
    assert!(topics.iter().any(|t| t.phrase == "rollback plan"), "{topics:?}");
}

#[test]
fn representative_messages_serialize_as_the_route_expects() {
    let posts = [ChatMessage::new("ada", "Release notes drafted", at(1))];
    let json =
        serde_json::to_value(representative_messages(&posts, day(), &options(1), &Sequential))
            .unwrap();
    assert_eq!(json[0]["username"], "ada");
    assert_eq!(json[0]["message"], "Release notes drafted");
}
