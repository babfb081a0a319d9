DROP TABLE chat_channel_stats;
DROP TRIGGER chat_post_hours_delete ON chat_posts;
DROP TRIGGER chat_post_hours_update ON chat_posts;
DROP TRIGGER chat_post_hours_insert ON chat_posts;
DROP FUNCTION chat_post_hours_after_delete();
DROP FUNCTION chat_post_hours_after_update();
DROP FUNCTION chat_post_hours_after_insert();
DROP TABLE chat_post_hours;
