DROP INDEX chat_posts_live_search;
ALTER TABLE chat_posts DROP COLUMN search_day;
DROP FUNCTION chat_search_day(uuid, timestamptz);
CREATE INDEX chat_posts_live_search ON chat_posts USING gin (channel_id, search) WHERE NOT deleted;
