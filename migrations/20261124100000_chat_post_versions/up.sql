-- A counter per channel, raised in the writing transaction by every statement that changes
-- the channel's posts (the same statements that change its hourly rollup). The pulse route
-- keeps the pulses it computed and serves one again while its channel's counter has not moved:
-- one indexed read instead of the window's 168 hourly rows.
CREATE TABLE chat_post_versions (
    channel_id uuid   PRIMARY KEY REFERENCES chat_channels (id) ON DELETE CASCADE,
    version    bigint NOT NULL
);

CREATE FUNCTION chat_post_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chat_post_versions (channel_id, version)
    SELECT DISTINCT channel_id, 1 FROM changed_posts ORDER BY 1
    ON CONFLICT (channel_id) DO UPDATE SET version = chat_post_versions.version + 1;
    RETURN NULL;
END $$;

-- An UPDATE only, like the rollup's: a channel being deleted takes its posts and its counter.
CREATE FUNCTION chat_post_versions_bump_existing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chat_post_versions v SET version = v.version + 1
      FROM (SELECT DISTINCT channel_id FROM changed_posts) AS changed
     WHERE v.channel_id = changed.channel_id;
    RETURN NULL;
END $$;

CREATE TRIGGER chat_post_versions_insert AFTER INSERT ON chat_posts
    REFERENCING NEW TABLE AS changed_posts
    FOR EACH STATEMENT EXECUTE FUNCTION chat_post_versions_bump();
CREATE TRIGGER chat_post_versions_update AFTER UPDATE ON chat_posts
    REFERENCING NEW TABLE AS changed_posts
    FOR EACH STATEMENT EXECUTE FUNCTION chat_post_versions_bump();
CREATE TRIGGER chat_post_versions_delete AFTER DELETE ON chat_posts
    REFERENCING OLD TABLE AS changed_posts
    FOR EACH STATEMENT EXECUTE FUNCTION chat_post_versions_bump_existing();
