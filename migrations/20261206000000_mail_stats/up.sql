-- Mail analytics' stored results: an account's top senders (recomputed when its messages
-- change) and threads' summaries (kept with the fingerprint of the messages they read).

CREATE TABLE mail_account_stats (
    account_id  uuid        PRIMARY KEY REFERENCES mail_accounts (id) ON DELETE CASCADE,
    window_end  timestamptz NOT NULL,
    computed_at timestamptz NOT NULL,
    top_senders jsonb       NOT NULL
);

CREATE TABLE mail_thread_summaries (
    account_id  uuid   NOT NULL REFERENCES mail_accounts (id) ON DELETE CASCADE,
    thread_key  text   NOT NULL,
    fingerprint bigint NOT NULL,
    messages    int4   NOT NULL,
    sentences   jsonb  NOT NULL,
    PRIMARY KEY (account_id, thread_key)
);
