//! Deterministic generation of a workspace from a seed and a clock.
//!
//! Posts fall over the 30 days before `now`, weighted towards weekday working hours (UTC).
//! About one post in five is a thread reply to a recent root; 4 % are edited and 1 % deleted
//! afterwards, at times before `now`. Each channel's posts mention its topics (weighted 5:3:2);
//! its hot topics appear only during the last day, in almost half of that day's posts.

use std::collections::HashMap;

use super::people::{FIRST_NAMES, LAST_NAMES, TITLES, ZONES, ascii_slug};
use super::rng::Rng;
use super::specs::{self, ChannelSpec, Kind};
use super::text::{Shape, compose};
use super::{Channel, DAY_US, User, Workspace, ids};
use crate::Provider;

const HISTORY_DAYS: i64 = 30;
const REPLY_SHARE: f64 = 0.2;
const EDIT_SHARE: f64 = 0.04;
const DELETE_SHARE: f64 = 0.01;
const TOPIC_SHARE: f64 = 0.62;
const HOT_SHARE: f64 = 0.45;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GenConfig {
    pub seed: u64,
    pub now_us: i64,
    pub posts_per_channel: usize,
    pub people: usize,
}

/// The workspace of `provider` for `config`; the same inputs give the same workspace.
pub(crate) fn generate(provider: Provider, config: &GenConfig) -> Workspace {
    let stream = match provider {
        Provider::Slack => 1,
        Provider::Mattermost => 2,
    };
    let mut rng = Rng::new(config.seed, stream);
    let new_id = |rng: &mut Rng, prefix: char| match provider {
        Provider::Slack => ids::slack(rng, prefix),
        Provider::Mattermost => ids::mattermost(rng),
    };
    let created_us = config.now_us - 400 * DAY_US;
    let users = people(&mut rng, provider, config, created_us);
    let team_id = new_id(&mut rng, 'T');
    let mut channels = Vec::new();
    for (index, spec) in specs::channels(provider).iter().enumerate() {
        let id = new_id(&mut rng, 'C');
        let mut rng = Rng::new(config.seed, stream * 1000 + index as u64 + 1);
        channels.push(channel(&mut rng, provider, config, spec, id, &users));
    }
    let (team_name, team_slug) = match provider {
        Provider::Slack => ("Halden Institute", "halden-lab"),
        Provider::Mattermost => ("Halden Research", "halden"),
    };
    Workspace {
        team_id,
        team_name: team_name.to_owned(),
        team_slug: team_slug.to_owned(),
        created_us,
        users,
        channels,
        me: 0,
    }
}

fn people(rng: &mut Rng, provider: Provider, config: &GenConfig, created_us: i64) -> Vec<User> {
    let count = config.people.max(3);
    let first_offset = rng.below(FIRST_NAMES.len());
    let last_offset = rng.below(LAST_NAMES.len());
    let mut users = Vec::with_capacity(count);
    for i in 0..count {
        let (first, last) = if i == 0 {
            ("Demo".to_owned(), "User".to_owned())
        } else {
            (
                FIRST_NAMES[(first_offset + i * 7) % FIRST_NAMES.len()].to_owned(),
                LAST_NAMES[(last_offset + i * 11) % LAST_NAMES.len()].to_owned(),
            )
        };
        let username = if i == 0 {
            "demo".to_owned()
        } else {
            format!("{}.{}", ascii_slug(&first), ascii_slug(&last))
        };
        let (tz, tz_label, tz_offset) = rng.pick_copy(ZONES);
        let id = match provider {
            Provider::Slack => ids::slack(rng, 'U'),
            Provider::Mattermost => ids::mattermost(rng),
        };
        users.push(User {
            id,
            email: format!("{username}@halden.example"),
            username,
            first_name: first,
            last_name: last,
            title: rng.pick_copy(TITLES),
            tz,
            tz_label,
            tz_offset,
            created_us: created_us + rng.range(0, 300 * DAY_US),
            deleted_us: None,
        });
    }
    // One person left the lab last week; their posts stay.
    if let Some(last) = users.last_mut() {
        last.deleted_us = Some(config.now_us - 7 * DAY_US);
    }
    users
}

fn channel(
    rng: &mut Rng,
    provider: Provider,
    config: &GenConfig,
    spec: &ChannelSpec,
    id: String,
    users: &[User],
) -> Channel {
    let members = members(rng, spec.kind, users.len());
    let now = config.now_us;
    let (from, to, volume) = match spec.kind {
        Kind::Archived => {
            (now - HISTORY_DAYS * DAY_US, now - 21 * DAY_US, config.posts_per_channel / 10)
        }
        Kind::PrivateOther => (now - HISTORY_DAYS * DAY_US, now, config.posts_per_channel / 10),
        _ => (now - HISTORY_DAYS * DAY_US, now, config.posts_per_channel),
    };
    let mut channel = Channel {
        id,
        name: spec.name.to_owned(),
        display_name: spec.display.to_owned(),
        purpose: spec.purpose.to_owned(),
        private: matches!(spec.kind, Kind::PrivateMember | Kind::PrivateOther),
        archived_us: (spec.kind == Kind::Archived).then_some(to),
        created_us: now - 200 * DAY_US - rng.range(0, 100 * DAY_US),
        creator: members[rng.below(members.len())],
        topics: spec.topics.iter().map(|t| (*t).to_owned()).collect(),
        hot_topics: spec.hot.iter().map(|t| (*t).to_owned()).collect(),
        members,
        posts: Vec::with_capacity(volume),
        by_id: HashMap::with_capacity(volume),
        conversation: None,
    };
    let times = times(rng, from, to, volume);
    let mut topics_of: Vec<Option<&'static str>> = Vec::with_capacity(volume);
    let mut recent_roots: Vec<usize> = Vec::new();
    for created_us in times {
        let author = channel.members[rng.below(channel.members.len())];
        let other = channel.members[rng.below(channel.members.len())];
        let mention = match provider {
            Provider::Slack => format!("<@{}>", users[other].id),
            Provider::Mattermost => format!("@{}", users[other].username),
        };
        recent_roots.retain(|&r| channel.posts[r].created_us > created_us - 2 * DAY_US);
        let root = if !recent_roots.is_empty() && rng.chance(REPLY_SHARE) {
            let window = recent_roots.len().min(6);
            Some(recent_roots[recent_roots.len() - 1 - rng.below(window)])
        } else {
            None
        };
        let (text, topic) = match root {
            Some(root) => {
                let topic = topics_of[root];
                (compose(rng, spec.lang, Shape::Reply(topic), &mention), topic)
            }
            None => {
                let hot = created_us >= now - DAY_US && !spec.hot.is_empty();
                let topic = if hot && rng.chance(HOT_SHARE) {
                    Some(rng.pick_copy(spec.hot))
                } else if rng.chance(TOPIC_SHARE) {
                    Some(weighted_topic(rng, spec.topics))
                } else {
                    None
                };
                let shape = topic.map_or(Shape::Filler, Shape::Topic);
                (compose(rng, spec.lang, shape, &mention), topic)
            }
        };
        let post_id = match provider {
            Provider::Slack => super::slack_ts(created_us),
            Provider::Mattermost => ids::mattermost(rng),
        };
        let index = channel.append(post_id, author, created_us, text, root);
        topics_of.push(topic);
        if root.is_none() {
            recent_roots.push(index);
        }
    }
    edit_and_delete(rng, provider, &mut channel, to);
    channel
}

/// Everyone, or about half the people; the demo user (index 0) as the kind says.
fn members(rng: &mut Rng, kind: Kind, people: usize) -> Vec<usize> {
    (0..people)
        .filter(|&i| match (kind, i) {
            (Kind::Everyone, _) => true,
            (Kind::PrivateOther, 0) => false,
            (_, 0) => true,
            (Kind::PrivateOther | Kind::PrivateMember, _) => rng.chance(0.35),
            _ => rng.chance(0.55),
        })
        .collect()
}

/// `count` distinct, sorted times in `[from, to)`, denser on weekday working hours (UTC).
pub(super) fn times(rng: &mut Rng, from: i64, to: i64, count: usize) -> Vec<i64> {
    let mut times = Vec::with_capacity(count);
    while times.len() < count {
        let t = rng.range(from, to);
        let secs = t.div_euclid(1_000_000);
        let hour = secs.rem_euclid(86_400) / 3600;
        // 1970-01-01 was a Thursday: day 0 has weekday 3 when Monday is 0.
        let weekday = (secs.div_euclid(86_400) + 3).rem_euclid(7);
        let hour_weight = match hour {
            8..=17 => 1.0,
            7 | 18..=20 => 0.35,
            _ => 0.05,
        };
        let day_weight = if weekday >= 5 { 0.25 } else { 1.0 };
        if rng.chance(hour_weight * day_weight) {
            times.push(t);
        }
    }
    times.sort_unstable();
    for i in 1..times.len() {
        if times[i] <= times[i - 1] {
            times[i] = times[i - 1] + 1;
        }
    }
    times
}

fn weighted_topic(rng: &mut Rng, topics: &[&'static str]) -> &'static str {
    let roll = rng.below(10);
    let index = match roll {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    };
    topics.get(index).or(topics.first()).copied().unwrap_or("")
}

fn edit_and_delete(rng: &mut Rng, provider: Provider, channel: &mut Channel, before_us: i64) {
    for index in 0..channel.posts.len() {
        let (created, author) = (channel.posts[index].created_us, channel.posts[index].user);
        if rng.chance(EDIT_SHARE) {
            let at = created + rng.range(30_000_000, 3 * 3_600_000_000);
            if at < before_us {
                let text = format!("{} (edit: fixed a typo)", channel.posts[index].text);
                channel.edit(index, text, author, at);
            }
        }
        if rng.chance(DELETE_SHARE) {
            // After the last edit or reply, so a thread never outlives its deletion.
            let at =
                channel.posts[index].updated_us.max(created) + rng.range(10_000_000, 3_600_000_000);
            if at < before_us {
                channel.delete(index, at, provider == Provider::Mattermost);
            }
        }
    }
}
