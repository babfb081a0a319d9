-- A search reads the newest matches of a channel day by day, newest first, and stops when it
-- has a page: its cost follows the page, not how many posts of the channel match (a busy
-- channel holds tens of thousands of posts a day, so days rather than weeks). Each post's day
-- of its channel is one key of the word index, beside its words, so one index scan finds the
-- matches of one day.
--
-- The key packs the channel (a hash: the scan also checks `channel_id`) and the day since
-- 1970-01-01 UTC (20 bits). It is generated from the row, so every writer keeps it;
-- `chat_search_day(channel_id, posted_at)` is the same expression, for the queries.
CREATE FUNCTION chat_search_day(channel uuid, posted timestamptz) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (hashtext(channel::text)::bigint << 20)
           + date_part('day', posted - timestamptz '1970-01-01 00:00:00+00')::bigint;

ALTER TABLE chat_posts
    ADD COLUMN search_day bigint NOT NULL
        GENERATED ALWAYS AS (chat_search_day(channel_id, posted_at)) STORED;

DROP INDEX chat_posts_live_search;
CREATE INDEX chat_posts_live_search ON chat_posts USING gin (search_day, search) WHERE NOT deleted;
