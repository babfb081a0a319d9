-- Reading a channel's posts (GET /api/chat/channels/{id}/posts, GET /api/chat/posts/{id}):
-- live posts newest first, by author, by thread, and by words. Every index leaves deleted posts
-- out, as the routes do. Ties of time are broken by the provider id in byte order
-- (COLLATE "C"), whatever the database's collation, so both stores page alike.

-- A channel's live posts newest first: the flat and nested pages walk it from their cursor.
CREATE INDEX chat_posts_live ON chat_posts
    (channel_id, posted_at DESC, external_id COLLATE "C" DESC)
    WHERE NOT deleted;

-- One author's live posts of a channel newest first (`author`).
CREATE INDEX chat_posts_live_author ON chat_posts
    (channel_id, author_id, posted_at DESC, external_id COLLATE "C" DESC)
    WHERE NOT deleted;

-- A thread's live replies newest first (`thread_id`, a post's thread), and the reply counts
-- and latest replies of a nested page's roots, read from the index alone.
CREATE INDEX chat_posts_live_replies ON chat_posts
    (channel_id, thread_root, posted_at DESC, external_id COLLATE "C" DESC)
    WHERE NOT deleted AND thread_root IS NOT NULL;

-- Words of a channel's live posts (`q`). The channel is the index's first column (btree_gin),
-- so a search reads the matches of that channel only, not of every channel holding the word.
-- 'simple': chat is in any language, so no stemming and no stop words.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX chat_posts_live_search ON chat_posts
    USING gin (channel_id, to_tsvector('simple', text))
    WHERE NOT deleted;
