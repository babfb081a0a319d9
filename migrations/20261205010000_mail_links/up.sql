-- Attachments' metadata of stored messages; the indexes the mail routes' queries need;
-- mailbox authorizations in flight, links waiting for the signed-in client, and sign-ins
-- through a provider account.

-- [{id, name, content_type, size, inline}], filled when a message is read in full.
ALTER TABLE mail_messages ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]';

-- The `from` filter compares addresses case-insensitively, newest first.
CREATE INDEX mail_messages_account_from
    ON mail_messages (account_id, lower(from_address), received_at DESC, id DESC);
-- Threads: grouping an account's messages by conversation, and one conversation in order.
CREATE INDEX mail_messages_account_thread
    ON mail_messages (account_id, thread_key, received_at);
-- Accounts due for a sync, oldest sync first (never synced before all). Partial on the
-- status, so the scan is already in that order and dead grants are not in it.
CREATE INDEX mail_accounts_to_sync
    ON mail_accounts (last_sync_at NULLS FIRST, id) WHERE status <> 'reauth_required';

-- A mailbox authorization in flight: SHA-256 of the `state`, bound to the user and to their
-- browser's nonce (hashed), with the PKCE verifier sealed. Taken once (DELETE … RETURNING),
-- swept when new ones are stored.
CREATE TABLE mail_link_states (
    state_hash      bytea       PRIMARY KEY,
    user_id         uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    binding_hash    bytea       NOT NULL,
    provider        text        NOT NULL,
    login_hint      text        NOT NULL,
    return_to       text,
    sealed_verifier bytea       NOT NULL,
    key_id          text        NOT NULL,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL
);
CREATE INDEX mail_link_states_expires_at ON mail_link_states (expires_at);
CREATE INDEX mail_link_states_user_id ON mail_link_states (user_id);

-- A granted link waiting for its starter's signed-in client to present the one-time code:
-- SHA-256 of the code, the tokens and mailbox identity sealed.
CREATE TABLE mail_pending_links (
    code_hash  bytea       PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider   text        NOT NULL,
    sealed     bytea       NOT NULL,
    key_id     text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX mail_pending_links_expires_at ON mail_pending_links (expires_at);
CREATE INDEX mail_pending_links_user_id ON mail_pending_links (user_id);

-- Provider accounts that sign in as a Switchboard user (Microsoft: tenant and object id).
CREATE TABLE external_logins (
    issuer     text        NOT NULL,
    subject    text        NOT NULL,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX external_logins_user_id ON external_logins (user_id);
