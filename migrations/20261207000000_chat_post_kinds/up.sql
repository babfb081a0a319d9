-- Who each post comes from (a person, a bot or webhook, the provider itself), whether a
-- channel's bots count in its most active and hot topics, and whether a source's direct and
-- group messages are followed.

-- Every post stored so far was taken as a person's. A live one without an author can only
-- be a bot's message (a Slack `bot_message` names no user): it becomes the bot's, named
-- `bot` until its channel is read again.
ALTER TABLE chat_posts
    ADD COLUMN kind text NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'bot', 'system'));
UPDATE chat_posts
   SET kind = 'bot', author_id = 'bot', author_name = COALESCE(author_name, 'bot')
 WHERE author_id = '' AND NOT deleted;

ALTER TABLE chat_channels ADD COLUMN include_bots boolean NOT NULL DEFAULT false;
ALTER TABLE chat_sources ADD COLUMN include_direct boolean NOT NULL DEFAULT false;

-- The hourly rollup (the pulse) counts live posts that are not the system's.
CREATE OR REPLACE FUNCTION chat_post_hours_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chat_post_hours (channel_id, hour, posts)
    SELECT channel_id, date_bin('1 hour', posted_at, timestamptz '2000-01-01 00:00:00+00'), count(*)
      FROM new_posts WHERE NOT deleted AND kind <> 'system'
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
              FROM new_posts WHERE NOT deleted AND kind <> 'system'
            UNION ALL
            SELECT channel_id, date_bin('1 hour', posted_at, timestamptz '2000-01-01 00:00:00+00'), -1
              FROM old_posts WHERE NOT deleted AND kind <> 'system') AS changes
     GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
    ON CONFLICT (channel_id, hour) DO UPDATE SET posts = chat_post_hours.posts + EXCLUDED.posts;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION chat_post_hours_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chat_post_hours h SET posts = h.posts - gone.posts
      FROM (SELECT channel_id, date_bin('1 hour', posted_at, timestamptz '2000-01-01 00:00:00+00') AS hour,
                   count(*) AS posts
              FROM old_posts WHERE NOT deleted AND kind <> 'system' GROUP BY 1, 2) AS gone
     WHERE h.channel_id = gone.channel_id AND h.hour = gone.hour;
    RETURN NULL;
END $$;

-- Direct and group messages were followed when found, without anyone choosing it: they are
-- unfollowed (their source's `include_direct` is off), each change in the event log as the
-- service records one (`changed`, `followed`, true → false, by no one, owned by the owner).
WITH unfollowed AS (
    UPDATE chat_channels SET followed = false
     WHERE followed AND kind IN ('direct', 'group')
    RETURNING id, owner_id
)
INSERT INTO events (occurred_by, owner_id, model_name, object_id, kind, attribute_name,
                    old_value, new_value)
SELECT NULL, owner_id, 'chat_channel', id::text, 'changed', 'followed',
       'true'::jsonb, 'false'::jsonb
  FROM unfollowed
 ORDER BY id;
