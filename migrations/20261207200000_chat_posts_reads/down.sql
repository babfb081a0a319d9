DROP INDEX chat_posts_live_search;
DROP INDEX chat_posts_live_replies;
DROP INDEX chat_posts_live_author;
DROP INDEX chat_posts_live;
DROP EXTENSION btree_gin;
