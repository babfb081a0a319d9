-- Mail received per hour, per account and per folder, kept by triggers in the transaction that
-- writes the messages and their folder links: the mail pulse reads at most one row per hour of
-- its window, whatever the mailbox's size.
--
-- A folder link carries its message's receipt time, so a link deleted with its message (by
-- cascade) still tells which hour to take it from. Links are rewritten whenever a message is
-- written again, so the copy follows the message.
ALTER TABLE mail_message_folders ADD COLUMN received_at timestamptz;
UPDATE mail_message_folders l SET received_at = m.received_at
  FROM mail_messages m WHERE m.id = l.message_id;
ALTER TABLE mail_message_folders ALTER COLUMN received_at SET NOT NULL;

CREATE TABLE mail_account_hours (
    account_id uuid        NOT NULL REFERENCES mail_accounts (id) ON DELETE CASCADE,
    -- The start of the hour (UTC).
    hour       timestamptz NOT NULL,
    -- Messages received in the hour and stored; 0 once all are deleted.
    messages   integer     NOT NULL,
    PRIMARY KEY (account_id, hour)
);

CREATE TABLE mail_folder_hours (
    folder_id uuid        NOT NULL REFERENCES mail_folders (id) ON DELETE CASCADE,
    hour      timestamptz NOT NULL,
    messages  integer     NOT NULL,
    PRIMARY KEY (folder_id, hour)
);

-- Statement-level triggers, as for the chat rollup: one aggregate per statement (a page of
-- messages), rows applied in key order so concurrent writers lock them in the same order.
CREATE FUNCTION mail_account_hours_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mail_account_hours (account_id, hour, messages)
    SELECT account_id, date_bin('1 hour', received_at, timestamptz '2000-01-01 00:00:00+00'), count(*)
      FROM new_messages GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (account_id, hour) DO UPDATE SET messages = mail_account_hours.messages + EXCLUDED.messages;
    RETURN NULL;
END $$;

CREATE FUNCTION mail_account_hours_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mail_account_hours (account_id, hour, messages)
    SELECT account_id, hour, sum(delta)
      FROM (SELECT account_id, date_bin('1 hour', received_at, timestamptz '2000-01-01 00:00:00+00') AS hour,
                   1 AS delta
              FROM new_messages
            UNION ALL
            SELECT account_id, date_bin('1 hour', received_at, timestamptz '2000-01-01 00:00:00+00'), -1
              FROM old_messages) AS changes
     GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
    ON CONFLICT (account_id, hour) DO UPDATE SET messages = mail_account_hours.messages + EXCLUDED.messages;
    RETURN NULL;
END $$;

-- An UPDATE only: when an account is deleted its messages go by cascade and so do its hours;
-- an INSERT here would then refer to an account that is gone.
CREATE FUNCTION mail_account_hours_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE mail_account_hours h SET messages = h.messages - gone.messages
      FROM (SELECT account_id, date_bin('1 hour', received_at, timestamptz '2000-01-01 00:00:00+00') AS hour,
                   count(*) AS messages
              FROM old_messages GROUP BY 1, 2) AS gone
     WHERE h.account_id = gone.account_id AND h.hour = gone.hour;
    RETURN NULL;
END $$;

CREATE TRIGGER mail_account_hours_insert AFTER INSERT ON mail_messages
    REFERENCING NEW TABLE AS new_messages
    FOR EACH STATEMENT EXECUTE FUNCTION mail_account_hours_after_insert();
CREATE TRIGGER mail_account_hours_update AFTER UPDATE ON mail_messages
    REFERENCING OLD TABLE AS old_messages NEW TABLE AS new_messages
    FOR EACH STATEMENT EXECUTE FUNCTION mail_account_hours_after_update();
CREATE TRIGGER mail_account_hours_delete AFTER DELETE ON mail_messages
    REFERENCING OLD TABLE AS old_messages
    FOR EACH STATEMENT EXECUTE FUNCTION mail_account_hours_after_delete();

CREATE FUNCTION mail_folder_hours_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mail_folder_hours (folder_id, hour, messages)
    SELECT folder_id, date_bin('1 hour', received_at, timestamptz '2000-01-01 00:00:00+00'), count(*)
      FROM new_links GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (folder_id, hour) DO UPDATE SET messages = mail_folder_hours.messages + EXCLUDED.messages;
    RETURN NULL;
END $$;

-- An UPDATE only, for the same reason: a folder deleted takes its links and its hours.
CREATE FUNCTION mail_folder_hours_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE mail_folder_hours h SET messages = h.messages - gone.messages
      FROM (SELECT folder_id, date_bin('1 hour', received_at, timestamptz '2000-01-01 00:00:00+00') AS hour,
                   count(*) AS messages
              FROM old_links GROUP BY 1, 2) AS gone
     WHERE h.folder_id = gone.folder_id AND h.hour = gone.hour;
    RETURN NULL;
END $$;

CREATE TRIGGER mail_folder_hours_insert AFTER INSERT ON mail_message_folders
    REFERENCING NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION mail_folder_hours_after_insert();
CREATE TRIGGER mail_folder_hours_delete AFTER DELETE ON mail_message_folders
    REFERENCING OLD TABLE AS old_links
    FOR EACH STATEMENT EXECUTE FUNCTION mail_folder_hours_after_delete();

-- Links are only ever inserted and deleted; an UPDATE would escape the counts.
CREATE FUNCTION mail_message_folders_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'mail_message_folders rows are deleted and inserted, never updated';
END $$;
CREATE TRIGGER mail_message_folders_no_update BEFORE UPDATE ON mail_message_folders
    FOR EACH STATEMENT EXECUTE FUNCTION mail_message_folders_no_update();

-- What is already stored (the triggers exist from here on, in this same transaction).
INSERT INTO mail_account_hours (account_id, hour, messages)
SELECT account_id, date_bin('1 hour', received_at, timestamptz '2000-01-01 00:00:00+00'), count(*)
  FROM mail_messages GROUP BY 1, 2;
INSERT INTO mail_folder_hours (folder_id, hour, messages)
SELECT folder_id, date_bin('1 hour', received_at, timestamptz '2000-01-01 00:00:00+00'), count(*)
  FROM mail_message_folders GROUP BY 1, 2;
