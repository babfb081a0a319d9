-- A counter per mail account, raised in the writing transaction whenever the hourly counts of
-- the account or of one of its folders change, or one of its folders is removed. The mail
-- pulse route keeps the pulses it computed and serves one again while its account's counter has
-- not moved: one indexed read instead of the window's 168 hourly rows (720 for a daily pulse).
--
-- The row is locked by the first statement of a transaction that changes the account's
-- counts, after the hourly rows it changed (in key order): a second writer of the account then
-- waits for the first to commit there, as it waited at the shared hourly rows before. Writers
-- are not made to take turns from the start of their transaction: a sync writes two folders'
-- pages at once, and locking this row before each page's messages halved the first sync's
-- speed (2,900-3,400 messages a second -> 1,000-2,000).
CREATE TABLE mail_received_versions (
    account_id uuid   PRIMARY KEY REFERENCES mail_accounts (id) ON DELETE CASCADE,
    version    bigint NOT NULL
);

-- Every account has its row from its creation, so the writers' lock always finds one.
INSERT INTO mail_received_versions (account_id, version) SELECT id, 0 FROM mail_accounts;

CREATE FUNCTION mail_received_versions_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mail_received_versions (account_id, version)
    SELECT id, 0 FROM new_accounts ORDER BY 1
    ON CONFLICT (account_id) DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER mail_received_versions_account AFTER INSERT ON mail_accounts
    REFERENCING NEW TABLE AS new_accounts
    FOR EACH STATEMENT EXECUTE FUNCTION mail_received_versions_add();

-- Raised when an account's hours change (messages stored, removed or received at another
-- time). An UPDATE only: an account being deleted takes its hours and its counter with it.
CREATE FUNCTION mail_received_versions_account_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE mail_received_versions v SET version = v.version + 1
      FROM (SELECT DISTINCT account_id FROM changed_hours) AS changed
     WHERE v.account_id = changed.account_id;
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
    UPDATE mail_received_versions v SET version = v.version + 1
      FROM (SELECT DISTINCT f.account_id
              FROM changed_hours h JOIN mail_folders f ON f.id = h.folder_id) AS changed
     WHERE v.account_id = changed.account_id;
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
    UPDATE mail_received_versions v SET version = v.version + 1
      FROM (SELECT DISTINCT account_id FROM gone_folders) AS changed
     WHERE v.account_id = changed.account_id;
    RETURN NULL;
END $$;

CREATE TRIGGER mail_received_versions_folders_delete AFTER DELETE ON mail_folders
    REFERENCING OLD TABLE AS gone_folders
    FOR EACH STATEMENT EXECUTE FUNCTION mail_received_versions_folders_gone();
