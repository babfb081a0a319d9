-- The rollup counts every live post again; the channels unfollowed stay unfollowed (their
-- events remain in the log, which is append-only).
CREATE OR REPLACE FUNCTION chat_post_hours_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chat_post_hours (channel_id, hour, posts)
    SELECT channel_id, date_bin('1 hour', posted_at, timestamptz '2000-01-01 00:00:00+00'), count(*)
      FROM new_posts WHERE NOT deleted
     GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (channel_id, hour) DO UPDATE SET posts = chat_post_hours.posts + EXCLUDED.posts;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION chat_post_hours_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE OR REPLACE FUNCTION chat_post_hours_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chat_post_hours h SET posts = h.posts - gone.posts
      FROM (SELECT channel_id, date_bin('1 hour', posted_at, timestamptz '2000-01-01 00:00:00+00') AS hour,
                   count(*) AS posts
              FROM old_posts WHERE NOT deleted GROUP BY 1, 2) AS gone
     WHERE h.channel_id = gone.channel_id AND h.hour = gone.hour;
    RETURN NULL;
END $$;

-- System posts count in the rollup again.
INSERT INTO chat_post_hours (channel_id, hour, posts)
SELECT channel_id, date_bin('1 hour', posted_at, timestamptz '2000-01-01 00:00:00+00'), count(*)
  FROM chat_posts WHERE NOT deleted AND kind = 'system'
 GROUP BY 1, 2 ORDER BY 1, 2
ON CONFLICT (channel_id, hour) DO UPDATE SET posts = chat_post_hours.posts + EXCLUDED.posts;

ALTER TABLE chat_sources DROP COLUMN include_direct;
ALTER TABLE chat_channels DROP COLUMN include_bots;
ALTER TABLE chat_posts DROP COLUMN kind;
