//! [`SlackSource`]: the chat-source port over the Web API.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use secrecy::SecretString;
use switchboard_domain::chat::{
    ChannelKind, ChannelRef, ChatIdentity, ChatPost, ChatProvider, ChatTeam, ChatUser,
    HistoryScope, PageCursor, PostPage, ThreadSummary,
};
use switchboard_ports::{ChangeTracking, ChatError, ChatSource};

use crate::client::{Client, SlackConfig};
use crate::map::{post, user};
use crate::wire::{self, AuthTest, ConversationList, Message, Messages, UserInfo, UserList};

/// Up to this many ids, `users.info` one by one; beyond, one walk of `users.list`, whose
/// every member is returned (the port allows it: the caller keeps them all).
const USERS_INFO_MAX: usize = 20;
/// Page size of the list methods.
const LIST_LIMIT: &str = "200";

/// A Slack workspace seen through one user token.
#[derive(Debug, Clone)]
pub struct SlackSource {
    client: Client,
    page_size: String,
    listing_page_size: String,
    thread_concurrency: usize,
    lookback: chrono::TimeDelta,
}

impl SlackSource {
    /// A source for `token` with its own HTTP client.
    ///
    /// # Errors
    /// [`ChatError::Transport`] when the HTTP client cannot be built.
    pub fn new(config: &SlackConfig, token: SecretString) -> Result<Self, ChatError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(crate::error::transport)?;
        Ok(Self::with_client(http, config, token))
    }

    /// A source for `token` sharing `http` (and its connection pool) with others.
    pub fn with_client(http: reqwest::Client, config: &SlackConfig, token: SecretString) -> Self {
        Self {
            client: Client::new(http, config, token),
            page_size: config.page_size.clamp(1, 999).to_string(),
            listing_page_size: config.listing_page_size.clamp(1, 999).to_string(),
            thread_concurrency: config.thread_concurrency.max(1),
            lookback: chrono::TimeDelta::from_std(config.change_lookback)
                .unwrap_or(chrono::TimeDelta::days(1)),
        }
    }

    /// Every message of a thread after its parent, all pages.
    async fn replies(&self, channel_id: &str, parent_ts: &str) -> Result<Vec<Message>, ChatError> {
        let mut replies = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut args = vec![("channel", channel_id), ("ts", parent_ts), ("limit", "1000")];
            if let Some(cursor) = cursor.as_deref() {
                args.push(("cursor", cursor));
            }
            let page: Messages = self.client.call("conversations.replies", &args).await?;
            replies.extend(page.messages.into_iter().filter(|m| m.ts != parent_ts));
            cursor = page.response_metadata.and_then(wire::Metadata::next);
            if cursor.is_none() {
                return Ok(replies);
            }
        }
    }
}

impl SlackSource {
    /// One page of a [`HistoryScope::Listing`]: top-level messages and thread summaries.
    async fn listing(
        &self,
        channel_id: &str,
        oldest: Option<DateTime<Utc>>,
        page: Option<&PageCursor>,
    ) -> Result<PostPage, ChatError> {
        let oldest = oldest.map(wire::format_ts);
        let mut args = vec![("channel", channel_id), ("limit", self.listing_page_size.as_str())];
        if let Some(oldest) = oldest.as_deref() {
            args.push(("oldest", oldest));
            args.push(("inclusive", "true"));
        }
        if let Some(cursor) = page {
            args.push(("cursor", cursor.as_str()));
        }
        let answer: Messages = self.client.call("conversations.history", &args).await?;
        let threads = answer
            .messages
            .iter()
            .filter(|m| m.is_thread_parent())
            .map(|m| ThreadSummary {
                root: m.ts.clone(),
                replies: m.reply_count.unwrap_or(0),
                latest_reply: m.latest_reply.as_deref().and_then(wire::parse_ts),
            })
            .collect();
        let posts = answer.messages.into_iter().filter_map(|m| post(channel_id, m, None)).collect();
        let next = answer.response_metadata.and_then(wire::Metadata::next);
        Ok(PostPage { posts, next: next.map(PageCursor::new), truncated: false, threads })
    }
}

impl ChatSource for SlackSource {
    async fn identity(&self) -> Result<ChatIdentity, ChatError> {
        let me: AuthTest = self.client.call("auth.test", &[]).await?;
        Ok(ChatIdentity {
            provider: ChatProvider::Slack,
            user_id: me.user_id,
            user_name: me.user,
            teams: vec![ChatTeam { id: me.team_id, name: me.team }],
        })
    }

    async fn channels(&self) -> Result<Vec<ChannelRef>, ChatError> {
        let mut channels = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut args = vec![
                ("types", "public_channel,private_channel"),
                ("exclude_archived", "true"),
                ("limit", LIST_LIMIT),
            ];
            if let Some(cursor) = cursor.as_deref() {
                args.push(("cursor", cursor));
            }
            let page: ConversationList = self.client.call("conversations.list", &args).await?;
            channels.extend(page.channels.into_iter().filter(|c| c.is_member).map(|c| {
                let kind = if c.is_im {
                    ChannelKind::Direct
                } else if c.is_mpim {
                    ChannelKind::Group
                } else if c.is_private {
                    ChannelKind::Private
                } else {
                    ChannelKind::Public
                };
                let team_id = c.context_team_id.or_else(|| c.shared_team_ids.into_iter().next());
                ChannelRef {
                    id: c.id,
                    name: c.name,
                    team_id: team_id.unwrap_or_default(),
                    kind,
                    archived: c.is_archived,
                }
            }));
            cursor = page.response_metadata.and_then(wire::Metadata::next);
            if cursor.is_none() {
                return Ok(channels);
            }
        }
    }

    /// Slack has no change list. [`HistoryScope::Listing`] (what a sync uses, see
    /// [`ChangeTracking::Listing`]) pages through `conversations.history` in pages of
    /// `listing_page_size` (up to 999) without reading threads: top-level posts (edits carry
    /// `edited.ts`; a deleted message is absent, a deleted root with replies a tombstone) and
    /// each thread's `reply_count` and `latest_reply`. A backfill reads every thread of each
    /// page with `conversations.replies`. [`HistoryScope::Changes`] re-reads the top-level
    /// messages of `change_lookback` before `since` and reports those created or edited after
    /// `since`, the tombstones, and the replies created or edited after `since` in threads
    /// that received a reply since; it cannot see deletions, nor anything older than the
    /// lookback.
    async fn history(
        &self,
        channel_id: &str,
        scope: HistoryScope,
        page: Option<&PageCursor>,
    ) -> Result<PostPage, ChatError> {
        let (oldest, inclusive, since) = match scope {
            HistoryScope::Backfill { oldest } => (oldest, true, None),
            HistoryScope::Listing { oldest } => {
                return self.listing(channel_id, oldest, page).await;
            }
            HistoryScope::Changes { since } => {
                let from = since.checked_sub_signed(self.lookback).unwrap_or(since);
                (Some(from), false, Some(since))
            }
        };
        let oldest = oldest.map(wire::format_ts);
        let mut args = vec![("channel", channel_id), ("limit", self.page_size.as_str())];
        if let Some(oldest) = oldest.as_deref() {
            args.push(("oldest", oldest));
            args.push(("inclusive", if inclusive { "true" } else { "false" }));
        }
        if let Some(cursor) = page {
            args.push(("cursor", cursor.as_str()));
        }
        let answer: Messages = self.client.call("conversations.history", &args).await?;
        // One `conversations.replies` walk per thread to read, several in flight, answers
        // kept in the page's order.
        let parents: Vec<Option<String>> = answer
            .messages
            .iter()
            .map(|message| {
                let read = message.is_thread_parent()
                    && match (since, message.latest_reply.as_deref()) {
                        (Some(since), Some(latest)) => {
                            wire::parse_ts(latest).is_some_and(|t| t > since)
                        }
                        (Some(_), None) => false,
                        (None, _) => true,
                    };
                read.then(|| message.ts.clone())
            })
            .collect();
        let reads = parents.into_iter().map(|parent| async move {
            match parent {
                Some(parent) => self.replies(channel_id, &parent).await,
                None => Ok(Vec::new()),
            }
        });
        let threads: Vec<Vec<Message>> =
            stream::iter(reads).buffered(self.thread_concurrency).try_collect().await?;
        let mut posts = Vec::with_capacity(answer.messages.len());
        for (message, replies) in answer.messages.into_iter().zip(threads) {
            let parent_ts = message.ts.clone();
            posts.extend(post(channel_id, message, None).filter(|p| wanted(p, since)));
            posts.extend(
                replies
                    .into_iter()
                    .filter_map(|reply| post(channel_id, reply, Some(&parent_ts)))
                    .filter(|p| wanted(p, since)),
            );
        }
        let next = answer.response_metadata.and_then(wire::Metadata::next);
        Ok(PostPage {
            posts,
            next: next.map(PageCursor::new),
            truncated: false,
            threads: Vec::new(),
        })
    }

    fn change_tracking(&self) -> ChangeTracking {
        ChangeTracking::Listing
    }

    async fn thread(&self, channel_id: &str, root_id: &str) -> Result<Vec<ChatPost>, ChatError> {
        let replies = self.replies(channel_id, root_id).await?;
        Ok(replies.into_iter().filter_map(|reply| post(channel_id, reply, Some(root_id))).collect())
    }

    async fn users(&self, ids: &[String]) -> Result<Vec<ChatUser>, ChatError> {
        let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut users = Vec::with_capacity(wanted.len());
        if wanted.len() <= USERS_INFO_MAX {
            for id in wanted {
                match self.client.call::<UserInfo>("users.info", &[("user", id)]).await {
                    Ok(info) => users.push(user(info.user)),
                    Err(ChatError::NotFound { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            return Ok(users);
        }
        let mut cursor: Option<String> = None;
        loop {
            let mut args = vec![("limit", LIST_LIMIT)];
            if let Some(cursor) = cursor.as_deref() {
                args.push(("cursor", cursor));
            }
            let page: UserList = self.client.call("users.list", &args).await?;
            users.extend(page.members.into_iter().map(user));
            cursor = page.response_metadata.and_then(wire::Metadata::next);
            if cursor.is_none() {
                return Ok(users);
            }
        }
    }
}

/// Whether a change scan reports `post`: everything in a backfill; in a change scan, what
/// was created, edited or deleted (a tombstone) after `since`.
fn wanted(post: &ChatPost, since: Option<DateTime<Utc>>) -> bool {
    since.is_none_or(|since| {
        post.deleted || post.posted_at > since || post.edited_at.is_some_and(|e| e > since)
    })
}
