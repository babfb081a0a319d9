//! The sandbox's Rust API for tests and `make run`: what was generated, tokens, faults, and
//! changes after start (stamped with the sandbox clock, one millisecond apart).

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::data::{Conversation, Notice, Origin, Workspace, ids, slack_ts};
use crate::faults::Target;
use crate::slack::events::Change;
use crate::store::{Grant, State};
use crate::{Provider, Sandbox, SandboxError};

/// A generated channel, with the topics planted in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelInfo {
    /// The provider's channel id.
    pub id: String,
    /// The channel's name (Slack `name`, Mattermost `name`).
    pub name: String,
    /// Private channel (Slack `is_private`, Mattermost type `P`).
    pub private: bool,
    /// Archived (Slack only).
    pub archived: bool,
    /// Whether the demo user is a member.
    pub member: bool,
    /// Live posts, replies included.
    pub live_posts: usize,
    /// Phrases the channel's messages revolve around over the whole history.
    pub topics: Vec<String>,
    /// Phrases that appear only during the last day before `now`, in almost half its posts.
    pub hot_topics: Vec<String>,
    /// A direct or group message rather than a channel.
    #[serde(default)]
    pub conversation: Option<Conversation>,
}

/// Who a post added with [`Sandbox::post_as`] comes from, rendered in each provider's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostAs<'a> {
    /// The post's user, as [`Sandbox::post`] does.
    Person,
    /// A bot posting under `name` (Slack `bot_message` with a `bot_id` and `username`;
    /// Mattermost `props.from_bot` with `override_username`, the post's user as the bot
    /// account).
    Bot {
        /// The name it posts under.
        name: &'a str,
    },
    /// An incoming webhook the post's user created (Slack `bot_message` under `name` or the
    /// hook's app name; Mattermost `props.from_webhook`, `override_username` when `name` is
    /// given, `webhook_display_name`).
    Webhook {
        /// The name it overrides its own with.
        name: Option<&'a str>,
    },
    /// A notice of the provider's own about the post's user (Slack subtype, Mattermost
    /// `system_*` type).
    Notice(Notice),
}

/// A generated person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    /// The provider's user id.
    pub id: String,
    /// Login name (`first.last`, `demo` for the demo user).
    pub username: String,
    /// First and last name.
    pub real_name: String,
    /// E-mail address.
    pub email: String,
    /// Deactivated account.
    pub deleted: bool,
}

/// A post to add after start.
#[derive(Debug, Clone, Copy)]
pub struct NewPost<'a> {
    /// Channel id.
    pub channel_id: &'a str,
    /// Message text.
    pub text: &'a str,
    /// Author; the demo user when `None`.
    pub user_id: Option<&'a str>,
    /// Thread root (Slack `thread_ts`, Mattermost `root_id`); a new root when `None`.
    pub root_id: Option<&'a str>,
}

/// A post changed through the Rust API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostRef {
    /// Slack: the message `ts`; Mattermost: the post id.
    pub id: String,
    /// When the change happened on the sandbox clock.
    pub at: DateTime<Utc>,
}

/// What a post carries besides its text: who it comes from, its attachments and its files.
struct Carrying<'a> {
    from: PostAs<'a>,
    attachments: Vec<serde_json::Value>,
    files: Vec<String>,
}

impl<'a> From<PostAs<'a>> for Carrying<'a> {
    fn from(from: PostAs<'a>) -> Self {
        Self { from, attachments: Vec::new(), files: Vec::new() }
    }
}

impl Sandbox {
    /// The end of the generated history.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The sandbox clock: the time of the latest change (starts at [`Sandbox::now`]).
    pub fn clock(&self) -> DateTime<Utc> {
        micros(self.store.read().clock_us)
    }

    /// Moves the sandbox clock forward.
    pub fn advance_clock(&self, by: Duration) {
        let by = i64::try_from(by.as_micros()).unwrap_or(i64::MAX);
        let mut state = self.store.write();
        state.clock_us = state.clock_us.saturating_add(by);
    }

    /// How long generating both workspaces took.
    pub fn generation_time(&self) -> Duration {
        self.generation
    }

    /// Every channel of the provider's workspace, visible to the demo user or not.
    pub fn channels(&self, provider: Provider) -> Vec<ChannelInfo> {
        let state = self.store.read();
        let ws = state.workspace(provider);
        ws.channels
            .iter()
            .map(|c| ChannelInfo {
                id: c.id.clone(),
                name: c.name.clone(),
                private: c.private,
                archived: c.archived_us.is_some(),
                member: c.is_member(ws.me),
                live_posts: c.posts.iter().filter(|p| p.is_live()).count(),
                topics: c.topics.clone(),
                conversation: c.conversation,
                hot_topics: c.hot_topics.clone(),
            })
            .collect()
    }

    /// Every person of the provider's workspace; the demo user first.
    pub fn users(&self, provider: Provider) -> Vec<UserInfo> {
        let state = self.store.read();
        state.workspace(provider).users.iter().map(user_info).collect()
    }

    /// The demo user, owner of the built-in token.
    pub fn demo_user(&self, provider: Provider) -> UserInfo {
        let state = self.store.read();
        let ws = state.workspace(provider);
        user_info(&ws.users[ws.me])
    }

    /// Posts in the provider's workspace, deleted ones included.
    pub fn post_count(&self, provider: Provider) -> usize {
        let state = self.store.read();
        state.workspace(provider).channels.iter().map(|c| c.posts.len()).sum()
    }

    /// API requests made to `provider` so far (answered 429 included; the admin API not
    /// counted): what a client's work cost.
    pub fn requests(&self, provider: Provider) -> u64 {
        self.store.faults().requests(provider)
    }

    /// Calls of one Slack Web API method so far (`"users.list"`), throttled ones included.
    pub fn slack_calls(&self, method: &str) -> u64 {
        self.store.faults().slack_calls(method)
    }

    /// Accepts `token` for the demo user.
    pub fn add_token(&self, provider: Provider, token: &str) {
        let mut state = self.store.write();
        let user = state.workspace(provider).me;
        state.tokens.insert(token.to_owned(), Grant { provider, user, revoked: false });
    }

    /// Accepts `token` for the user with `user_id`.
    ///
    /// # Errors
    /// [`SandboxError::UnknownUser`] when no such user exists.
    pub fn add_token_for(
        &self,
        provider: Provider,
        token: &str,
        user_id: &str,
    ) -> Result<(), SandboxError> {
        let mut state = self.store.write();
        let user = state
            .workspace(provider)
            .user_index(user_id)
            .ok_or_else(|| SandboxError::UnknownUser(user_id.to_owned()))?;
        state.tokens.insert(token.to_owned(), Grant { provider, user, revoked: false });
        Ok(())
    }

    /// Revokes `token`: Slack then answers `token_revoked`, Mattermost 401. Returns whether
    /// the token was known.
    pub fn revoke_token(&self, token: &str) -> bool {
        let mut state = self.store.write();
        state.tokens.get_mut(token).map(|grant| grant.revoked = true).is_some()
    }

    /// The next `requests` requests bearing `token` answer 429 with `Retry-After`
    /// (whole seconds, rounded up). Zero requests lifts a pending throttle.
    pub fn throttle_token(&self, token: &str, requests: u32, retry_after: Duration) {
        self.throttle_token_after(token, 0, requests, retry_after);
    }

    /// Once `after` more requests bearing `token` have gone through, the next `requests`
    /// answer 429 with `Retry-After`: a limit reached in the middle of a sync.
    pub fn throttle_token_after(
        &self,
        token: &str,
        after: u32,
        requests: u32,
        retry_after: Duration,
    ) {
        let target = Target::Token(token.to_owned());
        self.store.faults().throttle(target, after, requests, seconds(retry_after));
    }

    /// The next `requests` requests to `provider`, whatever their token, answer 429.
    pub fn throttle_provider(&self, provider: Provider, requests: u32, retry_after: Duration) {
        let target = Target::Api(provider.into());
        self.store.faults().throttle(target, 0, requests, seconds(retry_after));
    }

    /// Registers a Slack app: `oauth.v2.access` then accepts this client id and secret (the
    /// built-in [`crate::SLACK_OAUTH_CLIENT_ID`] is always known).
    pub fn add_slack_oauth_client(&self, client_id: &str, client_secret: &str) {
        self.store.oauth().clients.insert(client_id.to_owned(), client_secret.to_owned());
    }

    /// The next `requests` Slack authorizations are denied, as by a user pressing Cancel:
    /// the browser goes back with `error=access_denied`. Zero lifts a pending denial.
    pub fn deny_slack_authorizations(&self, requests: u32) {
        self.store.oauth().deny = requests;
    }

    /// How long OAuth codes handed out from now on stay valid (Slack: ten minutes).
    pub fn set_slack_oauth_code_ttl(&self, ttl: Duration) {
        self.store.oauth().code_ttl = ttl;
    }

    /// The next `requests` requests to `provider`'s API answer the server error `status`
    /// (500, 502, 503…), with `Retry-After` when given; zero lifts a pending failure.
    pub fn fail_provider(
        &self,
        provider: Provider,
        requests: u32,
        status: u16,
        retry_after: Option<Duration>,
    ) {
        let api = crate::faults::Api::from(provider);
        self.store.faults().fail(api, requests, status, retry_after.map(seconds));
    }

    /// Adds a post (or a thread reply) now, on the sandbox clock.
    ///
    /// # Errors
    /// Unknown channel, author or thread root.
    pub fn post(&self, provider: Provider, post: NewPost<'_>) -> Result<PostRef, SandboxError> {
        self.post_as(provider, post, PostAs::Person)
    }

    /// Opens a direct message (one other person) or a group message (several) between the
    /// demo user and the users `with`, without posts; returns its id.
    ///
    /// # Errors
    /// An unknown user, or no one given.
    pub fn add_conversation(
        &self,
        provider: Provider,
        with: &[&str],
    ) -> Result<String, SandboxError> {
        let mut state = self.store.write();
        let at = state.tick();
        let id = match provider {
            Provider::Slack => {
                let mut rng = crate::data::Rng::new(at.cast_unsigned(), 7);
                ids::slack(&mut rng, if with.len() == 1 { 'D' } else { 'G' })
            }
            Provider::Mattermost => mattermost_id(&state, at),
        };
        let ws = state.workspace_mut(provider);
        let mut members = vec![ws.me];
        for user_id in with {
            let index = ws
                .user_index(user_id)
                .ok_or_else(|| SandboxError::UnknownUser((*user_id).to_owned()))?;
            members.push(index);
        }
        members.sort_unstable();
        members.dedup();
        if members.len() < 2 {
            return Err(SandboxError::UnknownUser(String::new()));
        }
        let conversation =
            if members.len() == 2 { Conversation::Direct } else { Conversation::Group };
        // Mattermost names a direct channel after its two members' ids, a group after a hash.
        let name = match conversation {
            Conversation::Direct => {
                format!("{}__{}", ws.users[members[0]].id, ws.users[members[1]].id)
            }
            Conversation::Group => format!("mpdm-{}", id.to_lowercase()),
        };
        ws.channels.push(crate::data::Channel {
            id: id.clone(),
            display_name: name.clone(),
            name,
            purpose: String::new(),
            private: true,
            archived_us: None,
            created_us: at,
            creator: ws.me,
            members,
            topics: Vec::new(),
            hot_topics: Vec::new(),
            posts: Vec::new(),
            by_id: std::collections::HashMap::new(),
            conversation: Some(conversation),
        });
        Ok(id)
    }

    /// [`Sandbox::post`] from a bot, a webhook or the provider itself (see [`PostAs`]).
    ///
    /// # Errors
    /// Unknown channel, author or thread root.
    pub fn post_as(
        &self,
        provider: Provider,
        post: NewPost<'_>,
        from: PostAs<'_>,
    ) -> Result<PostRef, SandboxError> {
        self.post_with_attachments(provider, post, from, Vec::new())
    }

    /// [`Sandbox::post_as`] with message attachments, written as Slack documents them
    /// (`fallback`, `pretext`, `title`, `text`, `fields`…): Slack lists them as the message's
    /// `attachments` (each given an `id` from 1 when it has none), Mattermost as its
    /// `props.attachments`, in the same format.
    ///
    /// # Errors
    /// Unknown channel, author or thread root.
    pub fn post_with_attachments(
        &self,
        provider: Provider,
        post: NewPost<'_>,
        from: PostAs<'_>,
        mut attachments: Vec<serde_json::Value>,
    ) -> Result<PostRef, SandboxError> {
        if provider == Provider::Slack {
            for (n, attachment) in (1..).zip(attachments.iter_mut()) {
                if let Some(object) = attachment.as_object_mut() {
                    object.entry("id").or_insert(serde_json::Value::from(n));
                }
            }
        }
        let mut state = self.store.write();
        let at = state.tick();
        let carrying = Carrying { attachments, ..Carrying::from(from) };
        self.append(&mut state, provider, post, carrying, at)
    }

    /// [`Sandbox::post`] sharing files named `names` (the post's text is the comment, empty for
    /// none): Slack lists them as the message's `files` (a person's upload a `file_share`
    /// message), Mattermost as its `file_ids` and `metadata.files`.
    ///
    /// # Errors
    /// Unknown channel, author or thread root.
    pub fn post_with_files(
        &self,
        provider: Provider,
        post: NewPost<'_>,
        names: &[&str],
    ) -> Result<PostRef, SandboxError> {
        let files = names.iter().map(|n| (*n).to_owned()).collect();
        let mut state = self.store.write();
        let at = state.tick();
        let carrying = Carrying { files, ..Carrying::from(PostAs::Person) };
        self.append(&mut state, provider, post, carrying, at)
    }

    /// Adds `posts` (at most 1,000) in one millisecond, a microsecond apart, as a bulk import
    /// or a burst of integration posts does: Mattermost keeps milliseconds, so there they all
    /// have the same `create_at`; Slack keeps microseconds, so their `ts` stay distinct.
    ///
    /// # Errors
    /// Unknown channel, author or thread root (the posts before it are kept).
    pub fn post_together(
        &self,
        provider: Provider,
        posts: &[NewPost<'_>],
    ) -> Result<Vec<PostRef>, SandboxError> {
        let mut state = self.store.write();
        // The millisecond after the last tick; the clock then stands at its end.
        let at = state.tick();
        let start = at - at.rem_euclid(1000);
        posts
            .iter()
            .take(1000)
            .zip(start..)
            .map(|(post, at)| {
                self.append(&mut state, provider, *post, Carrying::from(PostAs::Person), at)
            })
            .collect()
    }

    fn append(
        &self,
        state: &mut State,
        provider: Provider,
        post: NewPost<'_>,
        Carrying { from, attachments, files }: Carrying<'_>,
        at: i64,
    ) -> Result<PostRef, SandboxError> {
        let id = match provider {
            Provider::Slack => slack_ts(at),
            Provider::Mattermost => mattermost_id(state, at),
        };
        let ws = state.workspace_mut(provider);
        let user = match post.user_id {
            Some(user_id) => ws
                .user_index(user_id)
                .ok_or_else(|| SandboxError::UnknownUser(user_id.to_owned()))?,
            None => ws.me,
        };
        let channel = channel_mut(ws, post.channel_id)?;
        let root = match post.root_id {
            Some(root_id) => {
                let index = *channel
                    .by_id
                    .get(root_id)
                    .ok_or_else(|| SandboxError::UnknownPost(root_id.to_owned()))?;
                // A reply to a reply joins the same thread.
                Some(channel.posts[index].root.unwrap_or(index))
            }
            None => None,
        };
        let index = channel.append(id.clone(), user, at, post.text.to_owned(), root);
        channel.posts[index].origin = match from {
            PostAs::Person => Origin::Person,
            PostAs::Bot { name } => Origin::Bot { name: name.to_owned() },
            PostAs::Webhook { name } => Origin::Webhook { name: name.map(str::to_owned) },
            PostAs::Notice(notice) => Origin::System(notice),
        };
        channel.posts[index].attachments = attachments;
        channel.posts[index].files = files;
        self.slack_event(state, provider, post.channel_id, &id, Change::Posted, at);
        Ok(PostRef { id, at: micros(at) })
    }

    /// Renames a channel, as its members may: Slack's `name`, Mattermost's `display_name` and
    /// URL `name` both.
    ///
    /// # Errors
    /// Unknown channel.
    pub fn rename_channel(
        &self,
        provider: Provider,
        channel_id: &str,
        name: &str,
    ) -> Result<(), SandboxError> {
        let mut state = self.store.write();
        let channel = channel_mut(state.workspace_mut(provider), channel_id)?;
        channel.name = name.to_owned();
        channel.display_name = name.to_owned();
        Ok(())
    }

    /// Takes the demo user out of a channel, as leaving it or being removed does: a private
    /// channel is then neither listed to them nor readable (Slack `channel_not_found`,
    /// Mattermost 403); a public one stays readable (Mattermost lists only the channels one
    /// is a member of, Slack every public one).
    ///
    /// # Errors
    /// Unknown channel.
    pub fn leave_channel(&self, provider: Provider, channel_id: &str) -> Result<(), SandboxError> {
        self.set_member(provider, channel_id, false)
    }

    /// Makes the demo user a member of a channel again (see [`Sandbox::leave_channel`]).
    ///
    /// # Errors
    /// Unknown channel.
    pub fn join_channel(&self, provider: Provider, channel_id: &str) -> Result<(), SandboxError> {
        self.set_member(provider, channel_id, true)
    }

    fn set_member(
        &self,
        provider: Provider,
        channel_id: &str,
        member: bool,
    ) -> Result<(), SandboxError> {
        let mut state = self.store.write();
        let ws = state.workspace_mut(provider);
        let me = ws.me;
        let members = &mut channel_mut(ws, channel_id)?.members;
        match (members.binary_search(&me), member) {
            (Err(at), true) => members.insert(at, me),
            (Ok(at), false) => {
                members.remove(at);
            }
            _ => {}
        }
        Ok(())
    }

    /// Replaces a post's text, as its author, now.
    ///
    /// # Errors
    /// Unknown channel or post (deleted posts cannot be edited).
    pub fn edit_post(
        &self,
        provider: Provider,
        channel_id: &str,
        post_id: &str,
        text: &str,
    ) -> Result<PostRef, SandboxError> {
        let mut state = self.store.write();
        let at = state.tick();
        let channel = channel_mut(state.workspace_mut(provider), channel_id)?;
        let index = live_post(channel, post_id)?;
        let author = channel.posts[index].user;
        let previous = channel.posts[index].text.clone();
        channel.edit(index, text.to_owned(), author, at);
        let change = Change::Edited { previous: &previous };
        self.slack_event(&state, provider, channel_id, post_id, change, at);
        Ok(PostRef { id: post_id.to_owned(), at: micros(at) })
    }

    /// Deletes a post now. On Mattermost a thread root takes its replies with it; on Slack a
    /// root with replies stays as a tombstone.
    ///
    /// # Errors
    /// Unknown channel or post.
    pub fn delete_post(
        &self,
        provider: Provider,
        channel_id: &str,
        post_id: &str,
    ) -> Result<PostRef, SandboxError> {
        let mut state = self.store.write();
        let at = state.tick();
        let ws = state.workspace(provider);
        let previous = ws.channel(channel_id).and_then(|c| {
            let index = *c.by_id.get(post_id)?;
            serde_json::to_value(crate::slack::render::message(ws, c, index)).ok()
        });
        let channel = channel_mut(state.workspace_mut(provider), channel_id)?;
        let index = live_post(channel, post_id)?;
        channel.delete(index, at, provider == Provider::Mattermost);
        let change = Change::Deleted { previous: previous.unwrap_or_default() };
        self.slack_event(&state, provider, channel_id, post_id, change, at);
        Ok(PostRef { id: post_id.to_owned(), at: micros(at) })
    }
}

impl Sandbox {
    /// Slack's Events API: from now on, each Slack change made through this API queues the
    /// event Slack would send to `request_url`, signed with `signing_secret`;
    /// [`crate::RunningSandbox::deliver_slack_events`] sends them.
    pub fn send_slack_events_to(&self, request_url: &str, signing_secret: &str) {
        let target = (request_url.to_owned(), signing_secret.to_owned());
        self.store.slack_events().target = Some(target);
    }

    /// The Slack workspace's team id (`T…`), which events carry.
    pub fn slack_team_id(&self) -> String {
        self.store.read().slack.team_id.clone()
    }

    /// Slack events queued and not delivered yet.
    pub fn pending_slack_events(&self) -> usize {
        self.store.slack_events().pending.len()
    }

    fn slack_event(
        &self,
        state: &State,
        provider: Provider,
        channel_id: &str,
        post_id: &str,
        change: Change<'_>,
        at: i64,
    ) {
        if provider != Provider::Slack {
            return;
        }
        let ws = &state.slack;
        let Some(channel) = ws.channels.iter().position(|c| c.id == channel_id) else { return };
        let Some(&index) = ws.channels[channel].by_id.get(post_id) else { return };
        self.store.slack_events().queue(ws, channel, index, change, at);
    }
}

fn user_info(user: &crate::data::User) -> UserInfo {
    UserInfo {
        id: user.id.clone(),
        username: user.username.clone(),
        real_name: user.full_name(),
        email: user.email.clone(),
        deleted: user.deleted_us.is_some(),
    }
}

fn channel_mut<'a>(
    ws: &'a mut Workspace,
    channel_id: &str,
) -> Result<&'a mut crate::data::Channel, SandboxError> {
    ws.channel_mut(channel_id).ok_or_else(|| SandboxError::UnknownChannel(channel_id.to_owned()))
}

fn live_post(channel: &crate::data::Channel, post_id: &str) -> Result<usize, SandboxError> {
    channel
        .by_id
        .get(post_id)
        .copied()
        .filter(|&i| channel.posts[i].is_live())
        .ok_or_else(|| SandboxError::UnknownPost(post_id.to_owned()))
}

/// A fresh Mattermost id, derived from the clock so runs stay reproducible.
fn mattermost_id(state: &State, at: i64) -> String {
    let count = state.mattermost.channels.iter().map(|c| c.posts.len()).sum::<usize>() as u64;
    let mut rng = crate::data::Rng::new(at as u64, count);
    ids::mattermost(&mut rng)
}

pub(crate) fn seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

pub(crate) fn micros(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).unwrap_or_default()
}
