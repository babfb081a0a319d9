DROP TRIGGER chat_post_versions_delete ON chat_posts;
DROP TRIGGER chat_post_versions_update ON chat_posts;
DROP TRIGGER chat_post_versions_insert ON chat_posts;
DROP TRIGGER chat_post_versions_channel ON chat_channels;
DROP FUNCTION chat_post_versions_bump();
DROP FUNCTION chat_post_versions_add();
DROP TABLE chat_post_versions;
