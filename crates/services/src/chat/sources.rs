//! Connecting, reading and deleting the caller's chat sources.

use switchboard_domain::chat::{ChannelKind, ChannelRef, ChatProvider};
use switchboard_domain::chat_sources::{Channel, ChannelId, Source, SourceId, SourceStatus};
use switchboard_domain::{NewEvent, UserId};
use switchboard_ports::{
    ChatSource, ChatSourceFactory, ChatStore, Clock, Ports, SealedSecret, SealedSecretStore,
    SecretBox, Transaction, UnitOfWork,
};

use super::sync::set_status;
use super::{ChatService, ChatServiceError, ChatSyncJob, network};
use crate::identity::Principal;
use crate::jobs::new_job;

/// What the caller sends to connect a source.
#[derive(Debug, Clone)]
pub struct ConnectSource {
    /// Slack or Mattermost.
    pub provider: ChatProvider,
    /// The user's token (a Slack user token, a Mattermost personal access token).
    pub token: String,
    /// The provider's URL; required for Mattermost unless configuration sets one.
    pub base_url: Option<String>,
    /// Follow the direct and group messages found (see [`Source::include_direct`]); `None`
    /// leaves a reconnected source's setting as it was, and a new source's off.
    pub include_direct: Option<bool>,
}

/// A source just connected.
#[derive(Debug, Clone)]
pub struct Connected {
    /// The source.
    pub source: Source,
    /// The account was already connected: its source took the new token (and is `active`
    /// again) instead of a new source being made.
    pub reconnected: bool,
}

/// The sealed secret's purpose for chat tokens.
const TOKEN_PURPOSE: &str = "chat_token";

/// The channels of `found` that `source` follows when it finds them.
fn count_followed(source: &Source, found: &[ChannelRef]) -> u32 {
    let followed = found.iter().filter(|c| source.follows_on_discovery(c.kind)).count();
    u32::try_from(followed).unwrap_or(u32::MAX)
}

/// Turns `source`'s direct messages on or off and saves it: its direct and group channels are
/// followed or unfollowed to match, each change recorded as the user's. Nothing changes when
/// it already is so.
pub(super) async fn include_direct_messages<T: ChatStore + Transaction>(
    tx: &mut T,
    source: &mut Source,
    include: bool,
    by: Option<UserId>,
) -> Result<(), ChatServiceError> {
    if source.include_direct == include {
        return Ok(());
    }
    let owner = Some(source.owner_id);
    let mut events = vec![
        NewEvent::changed(
            "chat_source",
            source.id.to_string(),
            "include_direct",
            source.include_direct,
            include,
        )
        .by(by)
        .owned_by(owner),
    ];
    source.include_direct = include;
    tx.update_chat_source(source).await?;
    for mut channel in tx.chat_channels_of_source(source.id).await? {
        let conversation = channel.channel_kind().is_some_and(ChannelKind::is_conversation);
        if !conversation || channel.followed == include {
            continue;
        }
        events.push(
            NewEvent::changed(
                Channel::EVENT_MODEL,
                channel.id.to_string(),
                "followed",
                channel.followed,
                include,
            )
            .by(by)
            .owned_by(owner),
        );
        channel.followed = include;
        tx.update_chat_channel(&channel).await?;
    }
    tx.append_events(events).await?;
    Ok(())
}

pub(super) fn channel_from(
    source: &Source,
    found: &ChannelRef,
    now: chrono::DateTime<chrono::Utc>,
) -> Channel {
    Channel {
        id: ChannelId::new(),
        source_id: source.id,
        owner_id: source.owner_id,
        external_id: found.id.clone(),
        name: found.name.clone(),
        kind: found.kind.as_str().to_owned(),
        followed: source.follows_on_discovery(found.kind),
        include_bots: false,
        synced_until: None,
        unreadable_since: None,
        created_at: now,
    }
}

impl<P: Ports> ChatService<P> {
    /// Connects a source: checks the URL, validates the token with the provider, discovers
    /// the channels, then stores the sealed token, the source and its channels, appends their
    /// events and enqueues the first sync, in one transaction. Nothing is stored when the
    /// provider refuses the token. Connecting an account already connected gives its source
    /// the new token (how a `reauth_required` source comes back).
    ///
    /// # Errors
    /// Validation errors, [`ChatServiceError::TokenRefused`], the provider unreachable, or a
    /// failure.
    pub async fn connect(
        &self,
        caller: &Principal,
        request: ConnectSource,
    ) -> Result<Connected, ChatServiceError> {
        self.connect_for(caller.user_id, request).await
    }

    /// [`ChatService::connect`] for the user `owner`, whom a trusted caller has identified
    /// otherwise than by a request's credentials: the OAuth callback (by its single-use state)
    /// and the demo account of `make run`.
    ///
    /// # Errors
    /// As [`ChatService::connect`].
    pub async fn connect_for(
        &self,
        owner: UserId,
        request: ConnectSource,
    ) -> Result<Connected, ChatServiceError> {
        let token = request.token.trim().to_owned();
        if token.is_empty() {
            return Err(ChatServiceError::MissingToken);
        }
        let base_url = match request.base_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => {
                let sources = &self.sources;
                network::checked_base_url(
                    url,
                    self.policy.allow_private_networks,
                    |host, port| async move { sources.resolve(&host, port).await },
                )
                .await?
            }
            None => self
                .sources
                .default_base_url(request.provider)
                .ok_or(ChatServiceError::MissingBaseUrl(request.provider))?,
        };
        let client = self
            .sources
            .source(request.provider, &base_url, &token)
            .map_err(ChatServiceError::connecting)?;
        let me = client.identity().await.map_err(ChatServiceError::connecting)?;
        let found = client.channels().await.map_err(ChatServiceError::connecting)?;
        let now = self.clock.now();
        let secret_id = uuid::Uuid::now_v7();
        let mut source = Source {
            id: SourceId::new(),
            owner_id: owner,
            provider: request.provider,
            base_url,
            token_secret_id: secret_id,
            external_user_id: me.user_id,
            external_user_name: me.user_name,
            team_name: me.teams.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "),
            team_id: slack_team(me.provider, &me.teams),
            status: SourceStatus::Active,
            last_sync_at: None,
            last_error: None,
            backfill_done: 0,
            backfill_total: 0,
            include_direct: request.include_direct.unwrap_or(false),
            created_at: now,
        };
        source.backfill_total = count_followed(&source, &found);
        let include_direct = request.include_direct;
        let secrets = self.secrets.clone();
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let owner = Some(source.owner_id);
                    // The same account connected again (a new token after `reauth_required`):
                    // the source keeps its id, channels and posts, and takes the new token.
                    let known = tx.chat_sources_of(source.owner_id).await?.into_iter().find(|s| {
                        s.provider == source.provider
                            && s.base_url == source.base_url
                            && s.external_user_id == source.external_user_id
                    });
                    let reconnected = known.is_some();
                    let id = known.as_ref().map_or(source.token_secret_id, |k| k.token_secret_id);
                    let secret = SealedSecret {
                        id,
                        owner_id: owner,
                        purpose: TOKEN_PURPOSE.to_owned(),
                        key_id: secrets.current_key_id().to_owned(),
                        ciphertext: secrets.seal(token.as_bytes(), id.as_bytes())?,
                    };
                    tx.put_sealed(&secret).await?;
                    let mut source = match known {
                        Some(mut known) => {
                            known.last_error = None;
                            known.team_id.clone_from(&source.team_id);
                            set_status(tx, &mut known, SourceStatus::Active).await?;
                            if let Some(include) = include_direct {
                                include_direct_messages(tx, &mut known, include, owner).await?;
                            }
                            known
                        }
                        None => {
                            tx.insert_chat_source(&source).await?;
                            let event = NewEvent::added(
                                "chat_source",
                                source.id.to_string(),
                                source.snapshot(),
                            );
                            tx.append_events(vec![event.by(owner).owned_by(owner)]).await?;
                            source
                        }
                    };
                    let have = tx.chat_channels_of_source(source.id).await?;
                    let channels: Vec<Channel> = found
                        .iter()
                        .filter(|c| !have.iter().any(|h| h.external_id == c.id))
                        .map(|c| channel_from(&source, c, now))
                        .collect();
                    tx.insert_chat_channels(&channels).await?;
                    let events = channels.iter().map(|c| {
                        NewEvent::added(Channel::EVENT_MODEL, c.id.to_string(), c.snapshot())
                            .by(owner)
                            .owned_by(owner)
                    });
                    tx.append_events(events.collect()).await?;
                    tx.enqueue(new_job(&ChatSyncJob::<P>::new(source.id))?).await?;
                    source.status = SourceStatus::Active;
                    Ok::<_, ChatServiceError>(Connected { source, reconnected })
                })
            })
            .await
    }

    /// The caller's sources, oldest first.
    ///
    /// # Errors
    /// A failure of the store.
    pub async fn list(&self, caller: &Principal) -> Result<Vec<Source>, ChatServiceError> {
        self.list_for(caller.user_id).await
    }

    /// `owner`'s sources, oldest first (see [`ChatService::connect_for`]).
    ///
    /// # Errors
    /// A failure of the store.
    pub async fn list_for(&self, owner: UserId) -> Result<Vec<Source>, ChatServiceError> {
        self.uow
            .transact(move |tx| Box::pin(async move { Ok(tx.chat_sources_of(owner).await?) }))
            .await
    }

    /// One of the caller's sources.
    ///
    /// # Errors
    /// [`ChatServiceError::SourceNotFound`] when it is not theirs.
    pub async fn get(&self, caller: &Principal, id: SourceId) -> Result<Source, ChatServiceError> {
        let owner = caller.user_id;
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let source = tx.chat_source(id).await?;
                    source.filter(|s| s.owner_id == owner).ok_or(ChatServiceError::SourceNotFound)
                })
            })
            .await
    }

    /// Deletes one of the caller's sources with its channels, posts and sealed token, and
    /// appends their deletion events; a sync still running finds it gone and stops.
    ///
    /// # Errors
    /// [`ChatServiceError::SourceNotFound`] when it is not theirs.
    pub async fn delete(&self, caller: &Principal, id: SourceId) -> Result<(), ChatServiceError> {
        self.delete_for(caller.user_id, id).await
    }

    /// Deletes one of `owner`'s sources (see [`ChatService::connect_for`]).
    ///
    /// # Errors
    /// [`ChatServiceError::SourceNotFound`] when it is not theirs.
    pub async fn delete_for(&self, owner: UserId, id: SourceId) -> Result<(), ChatServiceError> {
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let source = tx.chat_source(id).await?;
                    source
                        .filter(|s| s.owner_id == owner)
                        .ok_or(ChatServiceError::SourceNotFound)?;
                    let channels = tx.chat_channels_of_source(id).await?;
                    tx.delete_chat_source(id).await?;
                    let who = Some(owner);
                    let mut events: Vec<NewEvent> = channels
                        .iter()
                        .map(|c| {
                            NewEvent::deleted(Channel::EVENT_MODEL, c.id.to_string())
                                .by(who)
                                .owned_by(who)
                        })
                        .collect();
                    events.push(
                        NewEvent::deleted("chat_source", id.to_string()).by(who).owned_by(who),
                    );
                    tx.append_events(events).await?;
                    Ok(())
                })
            })
            .await
    }

    /// Asks for a sync of one of the caller's sources now; `false` when one is already
    /// waiting. A source waiting for a new token is not synced.
    ///
    /// # Errors
    /// [`ChatServiceError::SourceNotFound`] when it is not theirs.
    pub async fn request_sync(
        &self,
        caller: &Principal,
        id: SourceId,
    ) -> Result<bool, ChatServiceError> {
        let owner = caller.user_id;
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let source = tx.chat_source(id).await?;
                    source
                        .filter(|s| s.owner_id == owner)
                        .ok_or(ChatServiceError::SourceNotFound)?;
                    Ok(tx.enqueue(new_job(&ChatSyncJob::<P>::new(id))?).await?.is_some())
                })
            })
            .await
    }

    /// Enqueues a sync of every source not waiting for a new token (the recurring schedule);
    /// returns how many were enqueued (one already waiting is not enqueued again).
    ///
    /// # Errors
    /// A failure of the store.
    pub async fn enqueue_syncs(&self) -> Result<u64, ChatServiceError> {
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let mut enqueued = 0;
                    for id in tx.chat_sources_to_sync().await? {
                        if tx.enqueue(new_job(&ChatSyncJob::<P>::new(id))?).await?.is_some() {
                            enqueued += 1;
                        }
                    }
                    Ok(enqueued)
                })
            })
            .await
    }
}

/// The Slack workspace a token reaches (exactly one), which pushed events name; empty for
/// other providers.
fn slack_team(
    provider: switchboard_domain::chat::ChatProvider,
    teams: &[switchboard_domain::chat::ChatTeam],
) -> String {
    match (provider, teams.first()) {
        (switchboard_domain::chat::ChatProvider::Slack, Some(team)) => team.id.clone(),
        _ => String::new(),
    }
}
