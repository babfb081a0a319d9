//! [`MattermostSource`]: the chat-source port over API v4.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use switchboard_domain::chat::{
    ChannelRef, ChatIdentity, ChatPost, ChatProvider, ChatTeam, ChatUser, HistoryScope, PageCursor,
    PostPage,
};
use switchboard_ports::{ChatError, ChatSource};

use crate::client::{Client, MattermostConfig};
use crate::map::{self, post, user};
use crate::wire::{self, PostList};

/// The most posts a `since` query returns; an answer this long may be cut short.
const SINCE_CAP: usize = 1000;
/// Ids per `POST /users/ids`.
const IDS_PER_CALL: usize = 200;

/// A Mattermost server seen through one user's token.
#[derive(Debug, Clone)]
pub struct MattermostSource {
    client: Client,
    page_size: usize,
}

impl MattermostSource {
    /// A source for `token` with its own HTTP client.
    ///
    /// # Errors
    /// [`ChatError::Transport`] when the HTTP client cannot be built.
    pub fn new(config: &MattermostConfig, token: SecretString) -> Result<Self, ChatError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(crate::error::transport)?;
        Ok(Self::with_client(http, config, token))
    }

    /// A source for `token` sharing `http` (and its connection pool) with others.
    pub fn with_client(
        http: reqwest::Client,
        config: &MattermostConfig,
        token: SecretString,
    ) -> Self {
        Self {
            client: Client::new(http, config, token),
            page_size: usize::try_from(config.page_size.clamp(1, 200)).unwrap_or(200),
        }
    }

    async fn teams(&self) -> Result<Vec<wire::Team>, ChatError> {
        self.client.get("users/me/teams", &[]).await
    }

    /// The name each direct channel is shown by, by channel id: the other member's username
    /// (their id when Mattermost no longer knows them). Mattermost names a direct channel
    /// after its two members' ids and leaves its display name empty, for each member's client
    /// to show the other.
    async fn partners(
        &self,
        channels: impl Iterator<Item = &wire::Channel>,
    ) -> Result<HashMap<String, String>, ChatError> {
        let direct: Vec<&wire::Channel> = channels.filter(|c| c.kind == "D").collect();
        if direct.is_empty() {
            return Ok(HashMap::new());
        }
        let me: wire::User = self.client.get("users/me", &[]).await?;
        let partner_of: Vec<(&str, &str)> = direct
            .iter()
            .filter_map(|c| Some((c.id.as_str(), map::direct_partner(&c.name, &me.id)?)))
            .collect();
        let mut ids: Vec<String> = partner_of.iter().map(|(_, user)| (*user).to_owned()).collect();
        ids.sort_unstable();
        ids.dedup();
        let names: HashMap<String, String> = self
            .users(&ids)
            .await?
            .into_iter()
            .map(|u| {
                let name = if u.username.is_empty() { u.display_name } else { u.username };
                (u.id, name)
            })
            .collect();
        Ok(partner_of
            .into_iter()
            .map(|(channel, user)| {
                (channel.to_owned(), names.get(user).map_or(user, String::as_str).to_owned())
            })
            .collect())
    }

    /// A page of the channel's live posts, newest first, down to `oldest`: the first page, or
    /// the one a [`Resume`] cursor names. Paging by post rather than by page number keeps the
    /// pages in place while posts are added or deleted, and a cursor saved for later still
    /// means the same place.
    ///
    /// Mattermost selects the posts created strictly before the `before` post's `create_at`,
    /// in milliseconds: posts sharing that millisecond (a bulk import, a burst of integration
    /// posts) that the page did not hold would never be listed. So a full page hands on only
    /// its posts newer than its oldest millisecond, and the next page starts before the
    /// oldest of those, listing that millisecond whole. A page all of one millisecond cannot
    /// do that: the next goes on from the same post by page number.
    async fn backfill(
        &self,
        channel_id: &str,
        oldest: Option<DateTime<Utc>>,
        page: Option<&PageCursor>,
    ) -> Result<PostPage, ChatError> {
        let resume = page.map(Resume::parse).unwrap_or_default();
        let (per_page, number) = (self.page_size.to_string(), resume.page.to_string());
        let mut query = vec![("per_page", per_page.as_str())];
        if let Some(before) = &resume.before {
            query.push(("before", before.as_str()));
        }
        if resume.page > 0 {
            query.push(("page", number.as_str()));
        }
        let list: PostList =
            self.client.get(&format!("channels/{channel_id}/posts"), &query).await?;
        let listed = list.order.len();
        let mut posts: Vec<ChatPost> = ordered(list).collect();
        let read = posts.len();
        posts.retain(|p| oldest.is_none_or(|oldest| p.posted_at >= oldest));
        // A short page is the last; a page that reached past `oldest` ends the backfill.
        if listed < self.page_size || posts.len() < read {
            return Ok(PostPage { posts, next: None, truncated: false, threads: Vec::new() });
        }
        let last = posts.last().map(|p| p.posted_at);
        let newer = posts.iter().rposition(|p| Some(p.posted_at) > last);
        let next = match newer {
            Some(at) => {
                let next = Resume { before: Some(posts[at].id.clone()), page: 0 };
                posts.truncate(at + 1);
                next
            }
            None => Resume { page: resume.page + 1, ..resume },
        };
        Ok(PostPage { posts, next: Some(next.cursor()), truncated: false, threads: Vec::new() })
    }

    /// Everything created, edited or deleted after `since`, in one answer.
    async fn changes(&self, channel_id: &str, since: DateTime<Utc>) -> Result<PostPage, ChatError> {
        let since_ms = since.timestamp_millis();
        let since_arg = since_ms.to_string();
        let query = [("since", since_arg.as_str())];
        let list: PostList =
            self.client.get(&format!("channels/{channel_id}/posts"), &query).await?;
        let truncated = list.order.len() >= SINCE_CAP;
        // A reply bumps its root's `update_at`: a root changed only that way is not a change.
        let after = |ms: i64| ms > since_ms;
        let posts = list
            .order
            .iter()
            .filter_map(|id| list.posts.get(id))
            .filter(|p| after(p.create_at) || after(p.edit_at) || after(p.delete_at))
            .filter_map(post)
            .collect();
        Ok(PostPage { posts, next: None, truncated, threads: Vec::new() })
    }
}

impl ChatSource for MattermostSource {
    async fn identity(&self) -> Result<ChatIdentity, ChatError> {
        let me: wire::User = self.client.get("users/me", &[]).await?;
        let teams = self.teams().await?;
        Ok(ChatIdentity {
            provider: ChatProvider::Mattermost,
            user_id: me.id,
            user_name: me.username,
            teams: teams
                .into_iter()
                .map(|t| ChatTeam {
                    id: t.id,
                    name: if t.display_name.is_empty() { t.name } else { t.display_name },
                })
                .collect(),
        })
    }

    /// The live channels of every team the user belongs to, each shown by the name people
    /// see (`display_name`, else `name`); a direct channel by the other member's username, which
    /// takes two more calls (`users/me`, `users/ids`) when there is one.
    async fn channels(&self) -> Result<Vec<ChannelRef>, ChatError> {
        let mut listed: Vec<(wire::Channel, String)> = Vec::new();
        for team in self.teams().await? {
            let path = format!("users/me/teams/{}/channels", team.id);
            let found: Vec<wire::Channel> = self.client.get(&path, &[]).await?;
            listed.extend(
                found.into_iter().filter(|c| c.delete_at == 0).map(|c| (c, team.id.clone())),
            );
        }
        // Direct and group messages are listed once per team.
        listed.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        listed.dedup_by(|a, b| a.0.id == b.0.id);
        let partners = self.partners(listed.iter().map(|(c, _)| c)).await?;
        Ok(listed
            .into_iter()
            .map(|(c, team)| {
                let partner = partners.get(&c.id).map(String::as_str);
                map::channel(c, &team, partner)
            })
            .collect())
    }

    /// A backfill pages with `before`/`per_page` (the cursor names the post the next page
    /// starts before), newest first, and stops at `oldest`. A change scan is one `since` query: Mattermost returns every post
    /// updated since, deletions included (`delete_at`); roots whose only change is a new reply
    /// are left out. Mattermost caps that answer at 1000 posts: a page that long is marked
    /// [`PostPage::truncated`]. A listing is a backfill: Mattermost lists replies with their
    /// channel's posts.
    async fn history(
        &self,
        channel_id: &str,
        scope: HistoryScope,
        page: Option<&PageCursor>,
    ) -> Result<PostPage, ChatError> {
        match scope {
            HistoryScope::Backfill { oldest } | HistoryScope::Listing { oldest } => {
                self.backfill(channel_id, oldest, page).await
            }
            HistoryScope::Changes { since } => self.changes(channel_id, since).await,
        }
    }

    async fn users(&self, ids: &[String]) -> Result<Vec<ChatUser>, ChatError> {
        let mut users = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_CALL) {
            let found: Vec<wire::User> = self.client.post("users/ids", chunk).await?;
            users.extend(found.into_iter().map(user));
        }
        Ok(users)
    }
}

/// Where a backfill goes on: the page `page` (counted from 0) of the posts created before the
/// post `before` (of the newest posts when `None`). Its cursor is the post id, followed by
/// `+` and the page number when that is not 0.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Resume {
    before: Option<String>,
    page: u32,
}

impl Resume {
    fn parse(cursor: &PageCursor) -> Self {
        let (before, page) = match cursor.as_str().split_once('+') {
            Some((before, page)) => (before, page.parse().unwrap_or(0)),
            None => (cursor.as_str(), 0),
        };
        Self { before: Some(before.to_owned()).filter(|b| !b.is_empty()), page }
    }

    fn cursor(&self) -> PageCursor {
        let before = self.before.as_deref().unwrap_or_default();
        match self.page {
            0 => PageCursor::new(before),
            page => PageCursor::new(format!("{before}+{page}")),
        }
    }
}

/// The posts `order` names, in that order (not the extra roots `posts` may hold).
fn ordered(mut list: PostList) -> impl Iterator<Item = ChatPost> {
    let order = std::mem::take(&mut list.order);
    order.into_iter().filter_map(move |id| list.posts.remove(&id)).filter_map(|p| post(&p))
}
