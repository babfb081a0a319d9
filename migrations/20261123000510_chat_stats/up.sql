-- Channel analytics (issue 5): an hourly rollup of live posts, kept by triggers in the
-- transaction that writes the posts (the pulse reads 168 rows, whatever the channel's size),
-- and each channel's statistics for the default window, written by the analytics consumer.

CREATE TABLE chat_post_hours (
    channel_id uuid        NOT NULL REFERENCES chat_channels (id) ON DELETE CASCADE,
    -- The start of the hour (UTC).
    hour       timestamptz NOT NULL,
    -- Posts of the hour not deleted; 0 once all are deleted or moved.
    posts      integer     NOT NULL,
    PRIMARY KEY (channel_id, hour)
);

-- Statement-level triggers: one aggregate per statement (a page of posts), not one write per
-- post. Rows are applied in key order, so concurrent writers lock them in the same order.
CREATE FUNCTION chat_post_hours_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chat_post_hours (channel_id, hour, posts)
    SELECT channel_id, date_bin('1 hour', posted_at, timestamptz '2000-01-01 00:00:00+00'), count(*)
      FROM new_posts WHERE NOT deleted
     GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (channel_id, hour) DO UPDATE SET posts = chat_post_hours.posts + EXCLUDED.posts;
    RETURN NULL;
END $$;

CREATE FUNCTION chat_post_hours_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chat_post_hours (channel_id, hour, posts)
    SELECT channel_id, hour, sum(delta)
      FROM (SELECT channel_id, date_bin('1 hour', posted_at, timestamptz '2000-01-01 00:00:00+00') AS hour,
                   1 AS delta
              FROM new_posts WHERE NOT deleted
            UNION ALL
            SELECT channel_id, date_bin('1 hour', posted_at, timestamptz '2000-01-01 00:00:00+00'), -1
              FROM old_posts WHERE NOT deleted) AS changes
     GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
    ON CONFLICT (channel_id, hour) DO UPDATE SET posts = chat_post_hours.posts + EXCLUDED.posts;
    RETURN NULL;
END $$;

-- An UPDATE only: when a channel is deleted its posts go by cascade and so do its hours; an
-- INSERT here would then refer to a channel that is gone.
CREATE FUNCTION chat_post_hours_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chat_post_hours h SET posts = h.posts - gone.posts
      FROM (SELECT channel_id, date_bin('1 hour', posted_at, timestamptz '2000-01-01 00:00:00+00') AS hour,
                   count(*) AS posts
              FROM old_posts WHERE NOT deleted GROUP BY 1, 2) AS gone
     WHERE h.channel_id = gone.channel_id AND h.hour = gone.hour;
    RETURN NULL;
END $$;

CREATE TRIGGER chat_post_hours_insert AFTER INSERT ON chat_posts
    REFERENCING NEW TABLE AS new_posts
    FOR EACH STATEMENT EXECUTE FUNCTION chat_post_hours_after_insert();
CREATE TRIGGER chat_post_hours_update AFTER UPDATE ON chat_posts
    REFERENCING OLD TABLE AS old_posts NEW TABLE AS new_posts
    FOR EACH STATEMENT EXECUTE FUNCTION chat_post_hours_after_update();
CREATE TRIGGER chat_post_hours_delete AFTER DELETE ON chat_posts
    REFERENCING OLD TABLE AS old_posts
    FOR EACH STATEMENT EXECUTE FUNCTION chat_post_hours_after_delete();

-- The posts already stored (the triggers exist from here on, in this same transaction).
INSERT INTO chat_post_hours (channel_id, hour, posts)
SELECT channel_id, date_bin('1 hour', posted_at, timestamptz '2000-01-01 00:00:00+00'), count(*)
  FROM chat_posts WHERE NOT deleted GROUP BY 1, 2;

-- A channel's statistics over the window ending at window_end (one day by default): what the
-- stats routes answer without computing. Rewritten when posts arrive (the consumer of the
-- channels' `posts` events) and when the window has moved on (the refresh job).
CREATE TABLE chat_channel_stats (
    channel_id     uuid        PRIMARY KEY REFERENCES chat_channels (id) ON DELETE CASCADE,
    window_end     timestamptz NOT NULL,
    computed_at    timestamptz NOT NULL,
    posts          integer     NOT NULL,
    most_active    text[]      NOT NULL,
    hot_topics     text[]      NOT NULL,
    -- [{"username": …, "message": …}], in time order.
    representative jsonb       NOT NULL,
    summary        text        NOT NULL
);
-- The refresh job's scan: the stalest first.
CREATE INDEX chat_channel_stats_window_end ON chat_channel_stats (window_end);
