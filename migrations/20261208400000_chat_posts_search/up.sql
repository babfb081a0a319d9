-- A post's words, parsed once when it is written rather than by every search that tests it.
-- A search walks the channel's newest posts testing each one's words (cheap for a common word)
-- and reads the rest of its matches from the GIN index only when that walk finds too few.
-- 'simple': chat is in any language, so no stemming and no stop words.
DROP INDEX chat_posts_live_search;

ALTER TABLE chat_posts
    ADD COLUMN search tsvector NOT NULL GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED;

CREATE INDEX chat_posts_live_search ON chat_posts USING gin (channel_id, search) WHERE NOT deleted;
