-- Where a channel's backfill that was cut short (a rate limit, an unreachable provider)
-- resumes: written with each page stored, removed once the backfill is complete.
CREATE TABLE chat_backfill_checkpoints (
    channel_id     uuid        PRIMARY KEY REFERENCES chat_channels (id) ON DELETE CASCADE,
    -- The start of the backfill's window: the provider's cursor is valid with that request only.
    oldest         timestamptz NOT NULL,
    -- The provider's cursor of the next page.
    page_cursor    text        NOT NULL,
    -- The oldest post time listed before the cursor: the resumed backfill reconciles below it.
    listed_down_to timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
