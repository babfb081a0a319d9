-- Chat sources (a user's Slack workspace or Mattermost server), the channels discovered
-- through them, and the ingested posts. The token lives only in sealed_secrets.

CREATE TABLE chat_sources (
    id                 uuid        PRIMARY KEY,
    owner_id           uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider           text        NOT NULL CHECK (provider IN ('slack', 'mattermost')),
    base_url           text        NOT NULL,
    token_secret_id    uuid        NOT NULL REFERENCES sealed_secrets (id),
    external_user_id   text        NOT NULL,
    external_user_name text        NOT NULL,
    team_name          text        NOT NULL DEFAULT '',
    status             text        NOT NULL DEFAULT 'active'
                                   CHECK (status IN ('active', 'syncing', 'reauth_required', 'error')),
    last_sync_at       timestamptz,
    last_error         text,
    backfill_done      integer     NOT NULL DEFAULT 0,
    backfill_total     integer     NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
SELECT switchboard_manage_updated_at('chat_sources');
-- A user's sources; the scheduled sync's scan.
CREATE INDEX chat_sources_owner ON chat_sources (owner_id, created_at);
CREATE INDEX chat_sources_to_sync ON chat_sources (id) WHERE status <> 'reauth_required';

CREATE TABLE chat_channels (
    id           uuid        PRIMARY KEY,
    source_id    uuid        NOT NULL REFERENCES chat_sources (id) ON DELETE CASCADE,
    owner_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    external_id  text        NOT NULL,
    name         text        NOT NULL,
    kind         text        NOT NULL,
    followed     boolean     NOT NULL DEFAULT true,
    -- The latest creation or edit time seen (provider clock): where the next change scan starts.
    synced_until timestamptz,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_id, external_id)
);
SELECT switchboard_manage_updated_at('chat_channels');
CREATE INDEX chat_channels_owner ON chat_channels (owner_id, name);

CREATE TABLE chat_posts (
    channel_id  uuid        NOT NULL REFERENCES chat_channels (id) ON DELETE CASCADE,
    external_id text        NOT NULL,
    author_id   text        NOT NULL,
    author_name text,
    text        text        NOT NULL,
    posted_at   timestamptz NOT NULL,
    edited_at   timestamptz,
    deleted     boolean     NOT NULL DEFAULT false,
    thread_root text,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, external_id)
);
-- Windows of a channel (analytics, reconciliation after a backfill).
CREATE INDEX chat_posts_channel_time ON chat_posts (channel_id, posted_at);
