DROP TRIGGER chat_post_versions_delete ON chat_posts;
DROP TRIGGER chat_post_versions_update ON chat_posts;
DROP TRIGGER chat_post_versions_insert ON chat_posts;
DROP FUNCTION chat_post_versions_bump_existing();
DROP FUNCTION chat_post_versions_bump();
DROP TABLE chat_post_versions;
