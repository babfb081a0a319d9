-- The provider's team (Slack workspace) of a source, so an event Slack pushes finds the
-- sources of its team; empty until known (Mattermost, or a source connected before).
ALTER TABLE chat_sources ADD COLUMN team_id text NOT NULL DEFAULT '';
CREATE INDEX chat_sources_provider_team ON chat_sources (provider, team_id);
CREATE INDEX chat_channels_external_id ON chat_channels (external_id);
-- Each sync of a source without a change list compares the threads it lists with their
-- stored replies.
CREATE INDEX chat_posts_thread ON chat_posts (channel_id, thread_root) WHERE thread_root IS NOT NULL;
