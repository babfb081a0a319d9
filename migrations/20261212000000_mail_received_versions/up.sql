-- A counter per mail account, raised in the writing transaction whenever the hourly counts of
-- the account or of one of its folders change, or one of its folders is removed. The mail
-- pulse route keeps the pulses it computed and serves one again while its account's counter has
-- not moved: one indexed read instead of the window's 168 hourly rows (720 for a daily pulse).
--
-- The counter is the sum of up to 16 rows per account, one per shard, and a transaction raises
-- the shard its id falls in. A single row per account would be locked by every writer until
-- it commits, and a sync writes two folders' pages at once (taking that row before each page
-- halved the first Outlook sync); two writers now meet on a row one time in 16. Rows are only ever added or raised, so the sum only grows: a pulse
-- kept under the sum read before its counts is never served after a later write commits.
CREATE TABLE mail_received_versions (
    account_id uuid     NOT NULL REFERENCES mail_accounts (id) ON DELETE CASCADE,
    shard      smallint NOT NULL,
    version    bigint   NOT NULL,
    PRIMARY KEY (account_id, shard)
);

-- Raises the shard of this transaction for each of the accounts in `changed`.
CREATE FUNCTION mail_received_versions_raise(changed uuid[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO mail_received_versions (account_id, shard, version)
    SELECT DISTINCT account_id, (txid_current() % 16)::smallint, 1
      FROM unnest(changed) AS account_id
      -- An account being deleted (its folders and hours go by cascade) has nothing to raise.
     WHERE EXISTS (SELECT 1 FROM mail_accounts a WHERE a.id = account_id)
     ORDER BY 1
    ON CONFLICT (account_id, shard) DO UPDATE SET version = mail_received_versions.version + 1;
$$;

-- Raised when an account's hours change (messages stored, removed or received at another
-- time).
CREATE FUNCTION mail_received_versions_account_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_received_versions_raise(ARRAY(SELECT DISTINCT account_id FROM changed_hours));
    RETURN NULL;
END $$;

CREATE TRIGGER mail_received_versions_account_hours_insert AFTER INSERT ON mail_account_hours
    REFERENCING NEW TABLE AS changed_hours
    FOR EACH STATEMENT EXECUTE FUNCTION mail_received_versions_account_hours();
CREATE TRIGGER mail_received_versions_account_hours_update AFTER UPDATE ON mail_account_hours
    REFERENCING NEW TABLE AS changed_hours
    FOR EACH STATEMENT EXECUTE FUNCTION mail_received_versions_account_hours();

-- Raised when a folder's hours change (messages filed, refiled or removed).
CREATE FUNCTION mail_received_versions_folder_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_received_versions_raise(ARRAY(
        SELECT DISTINCT f.account_id FROM changed_hours h JOIN mail_folders f ON f.id = h.folder_id));
    RETURN NULL;
END $$;

CREATE TRIGGER mail_received_versions_folder_hours_insert AFTER INSERT ON mail_folder_hours
    REFERENCING NEW TABLE AS changed_hours
    FOR EACH STATEMENT EXECUTE FUNCTION mail_received_versions_folder_hours();
CREATE TRIGGER mail_received_versions_folder_hours_update AFTER UPDATE ON mail_folder_hours
    REFERENCING NEW TABLE AS changed_hours
    FOR EACH STATEMENT EXECUTE FUNCTION mail_received_versions_folder_hours();

-- Raised when a folder is removed: its hours go by cascade, not through the triggers above,
-- and a pulse kept for it must not be served again.
CREATE FUNCTION mail_received_versions_folders_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_received_versions_raise(ARRAY(SELECT DISTINCT account_id FROM gone_folders));
    RETURN NULL;
END $$;

CREATE TRIGGER mail_received_versions_folders_delete AFTER DELETE ON mail_folders
    REFERENCING OLD TABLE AS gone_folders
    FOR EACH STATEMENT EXECUTE FUNCTION mail_received_versions_folders_gone();
