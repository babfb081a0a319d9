DROP TABLE chat_posts;
DROP TABLE chat_channels;
DROP TABLE chat_sources;
