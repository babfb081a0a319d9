//! The storage ports' contract: what every store adapter (memory, PostgreSQL) does, proved
//! through the ports alone, so an integrator's in-memory core behaves like production.
//!
//! An adapter's test file names a [`StoreHarness`] and invokes [`crate::store_contract!`];
//! each case becomes one `#[tokio::test]` on a fresh, empty store of its own.

pub mod chat;
pub mod chat_kinds;
pub mod chat_posts;
pub mod chat_stats;
pub mod events;
pub mod identity;
pub mod jobs;
pub mod mail;
pub mod mail_accounts;
pub mod mail_links;
pub mod mail_stats;
pub mod mail_threads;
pub mod notifications;
pub mod webhooks;

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use switchboard_domain::UserId;
use switchboard_domain::chat::{ChatPost, ChatProvider, PostKind};
use switchboard_domain::chat_sources::{Channel, ChannelId, Source, SourceId, SourceStatus};
use switchboard_domain::identity::{EmailAddress, Role, User};
use switchboard_ports::{
    ChatStatsStore, ChatStore, EventReader, IdentityStores, JobAdmin, JobQueue, MailLinkStore,
    MailStatsStore, MailStore, NotificationStore, OAuthStateStore, SealedSecret, SealedSecretStore,
    StoreError, UnitOfWork, UserStore, WebhookStore,
};

/// A fresh store of one adapter, and its ports.
pub trait StoreHarness: Send + Sync + Sized + 'static {
    /// Its unit of work, whose transactions implement every aggregate store.
    type Uow: UnitOfWork<
            Tx: IdentityStores
                    + ChatStore
                    + ChatStatsStore
                    + OAuthStateStore
                    + MailStore
                    + MailLinkStore
                    + MailStatsStore
                    + WebhookStore
                    + NotificationStore,
        > + Clone;
    /// Its reader of the event log.
    type Events: EventReader;
    /// Its job queue.
    type Jobs: JobQueue + JobAdmin + Clone;

    /// An empty store of its own.
    fn new() -> impl Future<Output = Self> + Send;

    /// The unit of work.
    fn uow(&self) -> Self::Uow;

    /// The event log's reader.
    fn events(&self) -> Self::Events;

    /// A job queue, as one worker holds it.
    fn jobs(&self) -> Self::Jobs;

    /// Makes `by` pass for the queue: every job's due time and lease, and every schedule's next
    /// occurrence, move that much earlier.
    fn time_passes(&self, by: Duration) -> impl Future<Output = ()> + Send;
}

/// A fixed time `minutes` after 2025-03-01 12:00 UTC.
///
/// # Panics
/// Never for the minutes tests use.
pub fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).single().expect("a valid time")
        + TimeDelta::minutes(minutes)
}

/// A member with this email, created at [`at`]`(0)`.
///
/// # Panics
/// For an invalid email.
pub fn user(email: &str) -> User {
    User {
        id: UserId::new(),
        email: EmailAddress::parse(email).expect("a valid email"),
        display_name: String::new(),
        role: Role::Member,
        disabled: false,
        password_hash: "$argon2id$x".into(),
        created_at: at(0),
    }
}

/// A top-level post (or a reply to `root`) of provider channel `C1`, by `U1` (Ada Lovelace).
pub fn post(id: &str, minutes: i64, root: Option<&str>) -> ChatPost {
    ChatPost {
        id: id.to_owned(),
        channel_id: "C1".to_owned(),
        author_id: "U1".to_owned(),
        author_name: Some("Ada Lovelace".to_owned()),
        kind: PostKind::User,
        text: format!("post {id}"),
        posted_at: at(minutes),
        edited_at: None,
        deleted: false,
        thread_root: root.map(str::to_owned),
    }
}

/// A user, their sealed token, a Mattermost source and its followed channel `C1`, stored
/// through the ports.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// The owner.
    pub owner: User,
    /// The source's sealed token.
    pub token: SealedSecret,
    /// The source.
    pub source: Source,
    /// Its channel `C1`.
    pub channel: Channel,
}

/// Stores a [`Seeded`] source for a new user with `email`.
///
/// # Panics
/// When the store refuses it.
pub async fn seeded<U>(uow: &U, email: &str) -> Seeded
where
    U: UnitOfWork<Tx: IdentityStores + ChatStore>,
{
    let owner = user(email);
    let token = SealedSecret {
        id: uuid::Uuid::now_v7(),
        owner_id: Some(owner.id),
        purpose: "chat_token".into(),
        key_id: "k1".into(),
        ciphertext: vec![0],
    };
    let source = Source {
        id: SourceId::new(),
        owner_id: owner.id,
        provider: ChatProvider::Mattermost,
        base_url: "http://mm.example".into(),
        token_secret_id: token.id,
        external_user_id: "u".into(),
        external_user_name: "demo".into(),
        team_name: "Lab".into(),
        team_id: String::new(),
        status: SourceStatus::Active,
        last_sync_at: None,
        last_error: None,
        backfill_done: 0,
        backfill_total: 1,
        include_direct: false,
        created_at: at(0),
    };
    let channel = channel(&source, "C1", "general");
    let seeded = Seeded { owner, token, source, channel };
    let s = seeded.clone();
    let stored: Result<(), StoreError> = uow
        .transact(move |tx| {
            Box::pin(async move {
                tx.insert_user(&s.owner).await?;
                tx.put_sealed(&s.token).await?;
                tx.insert_chat_source(&s.source).await?;
                tx.insert_chat_channels(&[s.channel]).await
            })
        })
        .await;
    stored.expect("the seed is stored");
    seeded
}

/// A followed channel of `source`, not stored.
pub fn channel(source: &Source, external_id: &str, name: &str) -> Channel {
    Channel {
        id: ChannelId::new(),
        source_id: source.id,
        owner_id: source.owner_id,
        external_id: external_id.into(),
        name: name.into(),
        kind: "public".into(),
        followed: true,
        include_bots: false,
        synced_until: None,
        unreadable_since: None,
        created_at: at(0),
    }
}

/// One `#[tokio::test]` per case of the store contract, for the harness given.
///
/// ```ignore
/// switchboard_contracts::store_contract!(Postgres);
/// ```
#[macro_export]
macro_rules! store_contract {
    ($harness:ty) => {
        $crate::store_contract!(@cases $harness;
            events::a_failed_transaction_leaves_nothing_behind,
            events::events_are_read_in_commit_order_and_filtered,
            events::a_consumer_checkpoint_moves_with_its_transaction,
            identity::users_are_unique_by_email_found_updated_and_paged,
            identity::a_session_and_its_first_refresh_token_are_inserted_together,
            identity::refresh_tokens_rotate_and_sessions_are_revoked_by_their_owner,
            identity::api_keys_are_found_by_prefix_listed_and_revoked,
            identity::one_statement_hits_and_peeks_like_the_separate_ones,
            identity::sealed_secrets_are_replaced_and_found_by_key,
            identity::an_oauth_state_is_taken_once_and_expired_ones_are_forgotten,
            chat::sources_are_listed_by_owner_and_for_sync,
            chat::a_rename_changes_the_name_alone,
            chat::unreadable_is_set_and_cleared_alone,
            chat::upserts_are_batched_idempotent_and_keep_known_names,
            chat::an_older_copy_never_undoes_a_newer_edit,
            chat::a_post_without_a_name_takes_its_authors_latest,
            chat::a_backfill_retires_what_it_no_longer_lists_in_its_window_only,
            chat::a_resumed_backfill_retires_only_below_what_it_had_listed_before,
            chat::a_listing_and_a_thread_read_retire_what_they_no_longer_list,
            chat::a_backfill_checkpoint_is_saved_replaced_cleared_and_goes_with_its_channel,
            chat::deleting_a_source_removes_its_channels_posts_and_token,
            chat_posts::post_pages_run_newest_first_without_duplicates_or_gaps,
            chat_posts::post_filters_narrow_pages,
            chat_posts::searches_are_exact_over_many_posts,
            chat_posts::nested_pages_list_roots_with_their_latest_replies,
            chat_posts::a_post_comes_with_its_thread_and_stays_with_its_owner,
            chat_stats::hourly_counts_follow_inserts_edits_deletions_and_retirements,
            chat_stats::the_posts_version_moves_only_when_posts_change,
            chat_stats::window_posts_are_the_latest_live_ones_of_each_channel,
            chat_stats::stored_stats_are_kept_unless_older_and_found_stale,
            chat_kinds::a_posts_kind_is_stored_and_changes_with_it,
            chat_kinds::system_posts_are_left_out_of_the_pulse_and_the_window,
            chat_kinds::bots_are_marked_unless_their_channel_includes_them,
            chat_kinds::channel_and_source_settings_are_saved,
            jobs::higher_priority_runs_first_and_a_claim_is_exclusive,
            jobs::a_failure_waits_its_backoff_then_the_last_one_is_dead,
            jobs::a_dedupe_key_keeps_one_pending_job,
            jobs::an_earlier_duplicate_brings_the_pending_job_forward,
            jobs::an_expired_lease_gives_the_job_to_another_worker,
            jobs::a_released_job_runs_again_without_losing_an_attempt,
            jobs::completing_a_batch_removes_only_the_jobs_still_held,
            jobs::each_recurring_occurrence_is_enqueued_once_whatever_the_workers,
            jobs::retrying_a_job_keeps_one_pending_per_dedupe_key,
            mail::linking_twice_updates_one_account_hidden_from_others,
            mail::upserts_are_idempotent_and_removal_is_by_provider_id,
            mail::a_large_batch_with_a_message_listed_twice_is_stored_once,
            mail::pages_run_newest_first_without_duplicates_or_gaps,
            mail::folder_pages_run_newest_first_with_the_other_filters,
            mail::filters_narrow_pages_and_q_searches_subject_and_body,
            mail::searches_are_exact_over_many_messages,
            mail::the_from_filter_ignores_case,
            mail::messages_are_found_by_provider_id_within_their_account,
            mail::provider_ids_since_a_time_are_the_accounts_in_a_folder,
            mail::messages_are_found_by_id_within_their_account,
            mail::attachments_round_trip_and_survive_a_listing_without_them,
            mail_accounts::deleting_an_account_removes_its_folders_messages_and_tokens,
            mail_accounts::accounts_to_sync_skip_dead_grants_oldest_sync_first,
            mail_accounts::folders_list_as_a_tree_keep_cursors_and_retain_what_is_listed,
            mail_threads::threads_page_by_latest_activity_without_duplicates_or_gaps,
            mail_threads::thread_summaries_filters_and_one_thread_stay_with_their_owner,
            mail_threads::a_folders_threads_are_the_same_whatever_its_size,
            mail_threads::threads_follow_their_messages,
            mail_threads::thread_versions_change_with_what_summaries_read,
            mail_stats::received_counts_sum_by_bucket_and_folder,
            mail_stats::the_mail_version_moves_whenever_the_mail_changes,
            mail_stats::top_senders_count_by_address_with_the_latest_name,
            mail_stats::stored_results_are_replaced_and_go_with_their_account,
            mail_links::a_link_state_is_taken_once_and_expired_ones_are_swept,
            mail_links::a_pending_link_is_taken_once_and_expired_ones_are_swept,
            mail_links::an_external_login_is_recorded_once_per_issuer_and_subject,
            webhooks::webhooks_are_listed_by_owner_changed_and_deleted_with_their_secret,
            webhooks::the_outbox_keeps_order_and_its_head_is_the_oldest_pending,
            webhooks::delivery_pages_run_newest_first_with_their_attempts,
            notifications::notifications_are_stored_once_per_key_and_paged_newest_first,
            notifications::reading_and_deleting_stay_with_their_owner,
            notifications::expiry_marks_and_opt_outs,
            notifications::the_consumer_makes_each_kind_once,
            notifications::two_consumers_at_once_make_each_notification_once,
            notifications::an_opted_out_kind_is_not_made,
        );
    };
    (@cases $harness:ty; $($module:ident :: $case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread")]
            async fn $case() {
                let store = <$harness as $crate::stores::StoreHarness>::new().await;
                $crate::stores::$module::$case(&store).await;
            }
        )*
    };
}
