-- The mail counter of an account now moves with everything a read of the account's mail
-- shows, not only with its hourly counts: a message changed in place (read or unread, a new
-- subject or snippet, its body stored) raises it too. Pages of messages and threads are kept
-- under it, as the pulses are, and served again while it holds.
--
-- What raises it, in the writing transaction:
--   - the hourly counts of the account or of one of its folders changing (a message stored,
--     removed, refiled or received at another time);
--   - a message updated (whatever changed);
--   - a folder removed (its hours and links go by cascade, which no trigger above sees).
-- The counter is still the sum of 16 shards per account, a transaction raising the shard of
-- its id (see 20261212000000_mail_received_versions).
ALTER TABLE mail_received_versions RENAME TO mail_versions;
ALTER INDEX mail_received_versions_pkey RENAME TO mail_versions_pkey;
ALTER TABLE mail_versions
    RENAME CONSTRAINT mail_received_versions_account_id_fkey TO mail_versions_account_id_fkey;

-- The functions name the table in their bodies: each is replaced under its new name.
DROP TRIGGER mail_received_versions_folders_delete ON mail_folders;
DROP FUNCTION mail_received_versions_folders_gone();
DROP TRIGGER mail_received_versions_folder_hours_update ON mail_folder_hours;
DROP TRIGGER mail_received_versions_folder_hours_insert ON mail_folder_hours;
DROP FUNCTION mail_received_versions_folder_hours();
DROP TRIGGER mail_received_versions_account_hours_update ON mail_account_hours;
DROP TRIGGER mail_received_versions_account_hours_insert ON mail_account_hours;
DROP FUNCTION mail_received_versions_account_hours();
DROP FUNCTION mail_received_versions_raise(uuid[]);

-- Raises the shard of this transaction for each of the accounts in `changed`.
CREATE FUNCTION mail_versions_raise(changed uuid[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO mail_versions (account_id, shard, version)
    SELECT DISTINCT account_id, (txid_current() % 16)::smallint, 1
      FROM unnest(changed) AS account_id
      -- An account being deleted (its folders and hours go by cascade) has nothing to raise.
     WHERE EXISTS (SELECT 1 FROM mail_accounts a WHERE a.id = account_id)
     ORDER BY 1
    ON CONFLICT (account_id, shard) DO UPDATE SET version = mail_versions.version + 1;
$$;

-- Raises the accounts of the rows a statement changed, whose transition table is `changed`
-- with an `account_id` column: the account's hours, its messages, its folders.
CREATE FUNCTION mail_versions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_versions_raise(ARRAY(SELECT DISTINCT account_id FROM changed));
    RETURN NULL;
END $$;

CREATE TRIGGER mail_versions_account_hours_insert AFTER INSERT ON mail_account_hours
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION mail_versions_changed();
CREATE TRIGGER mail_versions_account_hours_update AFTER UPDATE ON mail_account_hours
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION mail_versions_changed();

-- A message changed in place. Inserted and removed messages change the account's hours,
-- raised above. An upsert fires this for its statement even when it only inserted: the
-- transition table is empty then, and nothing is raised.
CREATE TRIGGER mail_versions_messages_update AFTER UPDATE ON mail_messages
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION mail_versions_changed();

-- A folder removed: its hours and links go by cascade, which no trigger here sees.
CREATE TRIGGER mail_versions_folders_delete AFTER DELETE ON mail_folders
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION mail_versions_changed();

-- A folder's hours changed (a message filed, refiled or removed): its rows name the folder.
CREATE FUNCTION mail_versions_folder_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_versions_raise(ARRAY(
        SELECT DISTINCT f.account_id FROM changed h JOIN mail_folders f ON f.id = h.folder_id));
    RETURN NULL;
END $$;

CREATE TRIGGER mail_versions_folder_hours_insert AFTER INSERT ON mail_folder_hours
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION mail_versions_folder_hours();
CREATE TRIGGER mail_versions_folder_hours_update AFTER UPDATE ON mail_folder_hours
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION mail_versions_folder_hours();
