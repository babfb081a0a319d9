-- Mail accounts linked by a user (Outlook, Gmail), their folders or labels, and the synced
-- messages. Provider tokens live only in sealed_secrets.

CREATE TABLE mail_accounts (
    id                  uuid        PRIMARY KEY,
    user_id             uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider            text        NOT NULL,
    provider_account_id text        NOT NULL,
    address             text        NOT NULL,
    display_name        text        NOT NULL,
    status              text        NOT NULL
                                    CHECK (status IN ('active', 'syncing', 'reauth_required', 'error')),
    stored              bigint      NOT NULL DEFAULT 0,
    total               bigint,
    last_sync_at        timestamptz,
    last_error          text,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- Linking the same mailbox again updates its account.
    UNIQUE (user_id, provider, provider_account_id)
);
SELECT switchboard_manage_updated_at('mail_accounts');
CREATE INDEX mail_accounts_user ON mail_accounts (user_id);

CREATE TABLE mail_folders (
    id          uuid   PRIMARY KEY,
    account_id  uuid   NOT NULL REFERENCES mail_accounts (id) ON DELETE CASCADE,
    provider_id text   NOT NULL,
    parent_id   uuid,
    name        text   NOT NULL,
    kind        text   NOT NULL,
    role        text,
    total       bigint,
    unread      bigint,
    -- Where the next incremental sync of the folder starts (a delta link, a history id).
    sync_cursor text,
    UNIQUE (account_id, provider_id)
);

CREATE TABLE mail_messages (
    id                  uuid        PRIMARY KEY,
    account_id          uuid        NOT NULL REFERENCES mail_accounts (id) ON DELETE CASCADE,
    provider_id         text        NOT NULL,
    thread_key          text        NOT NULL,
    subject             text        NOT NULL,
    from_name           text,
    from_address        text,
    to_addresses        jsonb       NOT NULL,
    cc_addresses        jsonb       NOT NULL,
    received_at         timestamptz NOT NULL,
    sent_at             timestamptz,
    unread              boolean     NOT NULL,
    has_attachments     boolean     NOT NULL,
    snippet             text        NOT NULL,
    internet_message_id text,
    body_text           text,
    body_html           text,
    -- Full-text search over the subject, the sender and the plain body ('simple': mail is in
    -- any language, so no stemming).
    search              tsvector    NOT NULL GENERATED ALWAYS AS (
                            to_tsvector('simple',
                                subject || ' ' || coalesce(from_name, '') || ' '
                                || coalesce(from_address, '') || ' ' || coalesce(body_text, ''))
                        ) STORED,
    UNIQUE (account_id, provider_id)
);
-- A mailbox newest first, paged by (received_at, id).
CREATE INDEX mail_messages_account_time ON mail_messages (account_id, received_at DESC, id DESC);
CREATE INDEX mail_messages_search ON mail_messages USING gin (search);

CREATE TABLE mail_message_folders (
    message_id uuid NOT NULL REFERENCES mail_messages (id) ON DELETE CASCADE,
    folder_id  uuid NOT NULL REFERENCES mail_folders (id) ON DELETE CASCADE,
    PRIMARY KEY (message_id, folder_id)
);
CREATE INDEX mail_message_folders_folder ON mail_message_folders (folder_id);
