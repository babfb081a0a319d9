-- A counter per channel, raised in the writing transaction by every statement that changes
-- the channel's posts (the same statements that change its hourly rollup). The pulse route
-- keeps the pulses it computed and serves one again while its channel's counter has not moved:
-- one indexed read instead of the window's 168 hourly rows.
--
-- The row also orders a channel's writers: the store locks it (SELECT … FOR UPDATE) before it
-- writes the channel's posts, so two transactions writing one channel take turns instead of
-- locking posts, hours and this counter in different orders and deadlocking.
CREATE TABLE chat_post_versions (
    channel_id uuid   PRIMARY KEY REFERENCES chat_channels (id) ON DELETE CASCADE,
    version    bigint NOT NULL
);

-- Every channel has its row from its creation, so the writers' lock always finds one.
INSERT INTO chat_post_versions (channel_id, version) SELECT id, 0 FROM chat_channels;

CREATE FUNCTION chat_post_versions_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chat_post_versions (channel_id, version)
    SELECT id, 0 FROM new_channels ORDER BY 1
    ON CONFLICT (channel_id) DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER chat_post_versions_channel AFTER INSERT ON chat_channels
    REFERENCING NEW TABLE AS new_channels
    FOR EACH STATEMENT EXECUTE FUNCTION chat_post_versions_add();

-- An UPDATE only: a channel being deleted takes its posts and its counter with it.
CREATE FUNCTION chat_post_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
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
    FOR EACH STATEMENT EXECUTE FUNCTION chat_post_versions_bump();
