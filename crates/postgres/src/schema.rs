// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::query_builder::QueryId, Clone, Debug, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "tsvector", schema = "pg_catalog"))]
    pub struct Tsvector;
}

diesel::table! {
    api_keys (id) {
        id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        prefix -> Text,
        secret_hash -> Bytea,
        scopes -> Array<Text>,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        expires_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    chat_backfill_checkpoints (channel_id) {
        channel_id -> Uuid,
        oldest -> Timestamptz,
        page_cursor -> Text,
        listed_down_to -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    chat_channel_stats (channel_id) {
        channel_id -> Uuid,
        window_end -> Timestamptz,
        computed_at -> Timestamptz,
        posts -> Int4,
        most_active -> Array<Text>,
        hot_topics -> Array<Text>,
        representative -> Jsonb,
        summary -> Text,
    }
}

diesel::table! {
    chat_channels (id) {
        id -> Uuid,
        source_id -> Uuid,
        owner_id -> Uuid,
        external_id -> Text,
        name -> Text,
        kind -> Text,
        followed -> Bool,
        synced_until -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        include_bots -> Bool,
        unreadable_since -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    chat_oauth_states (state_hash) {
        state_hash -> Bytea,
        user_id -> Uuid,
        provider -> Text,
        redirect_uri -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        binding_hash -> Bytea,
    }
}

diesel::table! {
    chat_post_hours (channel_id, hour) {
        channel_id -> Uuid,
        hour -> Timestamptz,
        posts -> Int4,
    }
}

diesel::table! {
    chat_post_versions (channel_id) {
        channel_id -> Uuid,
        version -> Int8,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    chat_posts (channel_id, external_id) {
        channel_id -> Uuid,
        external_id -> Text,
        author_id -> Text,
        author_name -> Nullable<Text>,
        text -> Text,
        posted_at -> Timestamptz,
        edited_at -> Nullable<Timestamptz>,
        deleted -> Bool,
        thread_root -> Nullable<Text>,
        updated_at -> Timestamptz,
        kind -> Text,
        search -> Tsvector,
        search_day -> Int8,
    }
}

diesel::table! {
    chat_sources (id) {
        id -> Uuid,
        owner_id -> Uuid,
        provider -> Text,
        base_url -> Text,
        token_secret_id -> Uuid,
        external_user_id -> Text,
        external_user_name -> Text,
        team_name -> Text,
        status -> Text,
        last_sync_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        backfill_done -> Int4,
        backfill_total -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        include_direct -> Bool,
        team_id -> Text,
    }
}

diesel::table! {
    event_consumers (name) {
        name -> Text,
        tx_id -> Nullable<Int8>,
        event_id -> Nullable<Int8>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    events (id) {
        id -> Int8,
        tx_id -> Int8,
        occurred_at -> Timestamptz,
        occurred_by -> Nullable<Uuid>,
        owner_id -> Nullable<Uuid>,
        model_name -> Text,
        object_id -> Text,
        kind -> Text,
        snapshot -> Nullable<Jsonb>,
        attribute_name -> Nullable<Text>,
        old_value -> Nullable<Jsonb>,
        new_value -> Nullable<Jsonb>,
    }
}

diesel::table! {
    external_logins (issuer, subject) {
        issuer -> Text,
        subject -> Text,
        user_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    jobs (id) {
        id -> Int8,
        job_type -> Text,
        payload -> Jsonb,
        priority -> Int2,
        state -> Text,
        attempts -> Int4,
        max_attempts -> Int4,
        dedupe_key -> Nullable<Text>,
        run_at -> Timestamptz,
        locked_by -> Nullable<Text>,
        lease_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    mail_account_hours (account_id, hour) {
        account_id -> Uuid,
        hour -> Timestamptz,
        messages -> Int4,
    }
}

diesel::table! {
    mail_account_stats (account_id) {
        account_id -> Uuid,
        window_end -> Timestamptz,
        computed_at -> Timestamptz,
        top_senders -> Jsonb,
    }
}

diesel::table! {
    mail_accounts (id) {
        id -> Uuid,
        user_id -> Uuid,
        provider -> Text,
        provider_account_id -> Text,
        address -> Text,
        display_name -> Text,
        status -> Text,
        stored -> Int8,
        total -> Nullable<Int8>,
        last_sync_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    mail_folder_hours (folder_id, hour) {
        folder_id -> Uuid,
        hour -> Timestamptz,
        messages -> Int4,
    }
}

diesel::table! {
    mail_folder_threads (folder_id, thread_key) {
        folder_id -> Uuid,
        thread_key -> Text,
        latest_at -> Timestamptz,
        links -> Int4,
    }
}

diesel::table! {
    mail_folders (id) {
        id -> Uuid,
        account_id -> Uuid,
        provider_id -> Text,
        parent_id -> Nullable<Uuid>,
        name -> Text,
        kind -> Text,
        role -> Nullable<Text>,
        total -> Nullable<Int8>,
        unread -> Nullable<Int8>,
        sync_cursor -> Nullable<Text>,
    }
}

diesel::table! {
    mail_link_states (state_hash) {
        state_hash -> Bytea,
        user_id -> Uuid,
        binding_hash -> Bytea,
        provider -> Text,
        login_hint -> Text,
        return_to -> Nullable<Text>,
        sealed_verifier -> Bytea,
        key_id -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    mail_message_folders (message_id, folder_id) {
        message_id -> Uuid,
        folder_id -> Uuid,
        received_at -> Timestamptz,
        thread_key -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    mail_messages (id) {
        id -> Uuid,
        account_id -> Uuid,
        provider_id -> Text,
        thread_key -> Text,
        subject -> Text,
        from_name -> Nullable<Text>,
        from_address -> Nullable<Text>,
        to_addresses -> Jsonb,
        cc_addresses -> Jsonb,
        received_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
        unread -> Bool,
        has_attachments -> Bool,
        snippet -> Text,
        internet_message_id -> Nullable<Text>,
        body_text -> Nullable<Text>,
        body_html -> Nullable<Text>,
        search -> Tsvector,
        attachments -> Jsonb,
        search_week -> Int8,
    }
}

diesel::table! {
    mail_pending_links (code_hash) {
        code_hash -> Bytea,
        user_id -> Uuid,
        provider -> Text,
        sealed -> Bytea,
        key_id -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    mail_thread_summaries (account_id, thread_key) {
        account_id -> Uuid,
        thread_key -> Text,
        fingerprint -> Int8,
        messages -> Int4,
        sentences -> Jsonb,
        version -> Int8,
    }
}

diesel::table! {
    mail_threads (account_id, thread_key) {
        account_id -> Uuid,
        thread_key -> Text,
        latest_at -> Timestamptz,
        messages -> Int4,
        unread -> Int4,
        subject -> Text,
        snippet -> Text,
        senders -> Jsonb,
        version -> Int8,
    }
}

diesel::table! {
    mail_versions (account_id, shard) {
        account_id -> Uuid,
        shard -> Int2,
        version -> Int8,
    }
}

diesel::table! {
    notification_marks (key) {
        key -> Text,
        user_id -> Uuid,
        created_at -> Timestamptz,
        lasting -> Bool,
    }
}

diesel::table! {
    notification_opt_outs (user_id, kind) {
        user_id -> Uuid,
        kind -> Text,
    }
}

diesel::table! {
    notifications (id) {
        id -> Uuid,
        user_id -> Uuid,
        kind -> Text,
        params -> Jsonb,
        message -> Text,
        dedupe_key -> Text,
        created_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    recurring_jobs (name) {
        name -> Text,
        job_type -> Text,
        payload -> Jsonb,
        interval_secs -> Int4,
        next_run_at -> Timestamptz,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Bytea,
        session_id -> Uuid,
        used -> Bool,
        created_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        successor_hash -> Nullable<Bytea>,
        successor_masked -> Nullable<Bytea>,
    }
}

diesel::table! {
    sealed_secrets (id) {
        id -> Uuid,
        owner_id -> Nullable<Uuid>,
        purpose -> Text,
        key_id -> Text,
        ciphertext -> Bytea,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        user_agent -> Text,
        ip -> Text,
        created_at -> Timestamptz,
        last_used_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    stream_tickets (ticket_hash) {
        ticket_hash -> Bytea,
        user_id -> Uuid,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    throttles (bucket) {
        bucket -> Text,
        hits -> Int4,
        resets_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        display_name -> Text,
        role -> Text,
        disabled -> Bool,
        password_hash -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Int8,
        delivery_id -> Uuid,
        attempted_at -> Timestamptz,
        status_code -> Nullable<Int4>,
        error -> Nullable<Text>,
        latency_ms -> Int8,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Uuid,
        webhook_id -> Uuid,
        seq -> Int8,
        event_id -> Text,
        event_type -> Text,
        payload -> Jsonb,
        state -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Uuid,
        owner_id -> Uuid,
        url -> Text,
        events -> Array<Nullable<Text>>,
        enabled -> Bool,
        description -> Text,
        secret_id -> Uuid,
        failing_since -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(api_keys -> users (user_id));
diesel::joinable!(chat_backfill_checkpoints -> chat_channels (channel_id));
diesel::joinable!(chat_channel_stats -> chat_channels (channel_id));
diesel::joinable!(chat_channels -> chat_sources (source_id));
diesel::joinable!(chat_channels -> users (owner_id));
diesel::joinable!(chat_oauth_states -> users (user_id));
diesel::joinable!(chat_post_hours -> chat_channels (channel_id));
diesel::joinable!(chat_post_versions -> chat_channels (channel_id));
diesel::joinable!(chat_posts -> chat_channels (channel_id));
diesel::joinable!(chat_sources -> sealed_secrets (token_secret_id));
diesel::joinable!(chat_sources -> users (owner_id));
diesel::joinable!(external_logins -> users (user_id));
diesel::joinable!(mail_account_hours -> mail_accounts (account_id));
diesel::joinable!(mail_account_stats -> mail_accounts (account_id));
diesel::joinable!(mail_accounts -> users (user_id));
diesel::joinable!(mail_folder_hours -> mail_folders (folder_id));
diesel::joinable!(mail_folder_threads -> mail_folders (folder_id));
diesel::joinable!(mail_folders -> mail_accounts (account_id));
diesel::joinable!(mail_link_states -> users (user_id));
diesel::joinable!(mail_message_folders -> mail_folders (folder_id));
diesel::joinable!(mail_message_folders -> mail_messages (message_id));
diesel::joinable!(mail_messages -> mail_accounts (account_id));
diesel::joinable!(mail_pending_links -> users (user_id));
diesel::joinable!(mail_thread_summaries -> mail_accounts (account_id));
diesel::joinable!(mail_threads -> mail_accounts (account_id));
diesel::joinable!(mail_versions -> mail_accounts (account_id));
diesel::joinable!(notification_marks -> users (user_id));
diesel::joinable!(notification_opt_outs -> users (user_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(sealed_secrets -> users (owner_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(stream_tickets -> users (user_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhooks -> users (owner_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_keys,
    chat_backfill_checkpoints,
    chat_channel_stats,
    chat_channels,
    chat_oauth_states,
    chat_post_hours,
    chat_post_versions,
    chat_posts,
    chat_sources,
    event_consumers,
    events,
    external_logins,
    jobs,
    mail_account_hours,
    mail_account_stats,
    mail_accounts,
    mail_folder_hours,
    mail_folder_threads,
    mail_folders,
    mail_link_states,
    mail_message_folders,
    mail_messages,
    mail_pending_links,
    mail_thread_summaries,
    mail_threads,
    mail_versions,
    notification_marks,
    notification_opt_outs,
    notifications,
    recurring_jobs,
    refresh_tokens,
    sealed_secrets,
    sessions,
    stream_tickets,
    throttles,
    users,
    webhook_attempts,
    webhook_deliveries,
    webhooks,
);
