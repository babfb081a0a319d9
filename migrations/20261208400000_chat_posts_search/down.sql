DROP INDEX chat_posts_live_search;

ALTER TABLE chat_posts DROP COLUMN search;

CREATE INDEX chat_posts_live_search ON chat_posts
    USING gin (channel_id, to_tsvector('simple', text))
    WHERE NOT deleted;
