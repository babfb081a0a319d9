DROP INDEX chat_posts_thread;
DROP INDEX chat_channels_external_id;
DROP INDEX chat_sources_provider_team;
ALTER TABLE chat_sources DROP COLUMN team_id;
