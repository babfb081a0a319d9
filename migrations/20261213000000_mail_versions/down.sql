DROP TRIGGER mail_versions_folder_hours_update ON mail_folder_hours;
DROP TRIGGER mail_versions_folder_hours_insert ON mail_folder_hours;
DROP FUNCTION mail_versions_folder_hours();
DROP TRIGGER mail_versions_folders_delete ON mail_folders;
DROP TRIGGER mail_versions_messages_update ON mail_messages;
DROP TRIGGER mail_versions_account_hours_update ON mail_account_hours;
DROP TRIGGER mail_versions_account_hours_insert ON mail_account_hours;
DROP FUNCTION mail_versions_changed();
DROP FUNCTION mail_versions_raise(uuid[]);

ALTER TABLE mail_versions
    RENAME CONSTRAINT mail_versions_account_id_fkey TO mail_received_versions_account_id_fkey;
ALTER INDEX mail_versions_pkey RENAME TO mail_received_versions_pkey;
ALTER TABLE mail_versions RENAME TO mail_received_versions;

CREATE FUNCTION mail_received_versions_raise(changed uuid[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO mail_received_versions (account_id, shard, version)
    SELECT DISTINCT account_id, (txid_current() % 16)::smallint, 1
      FROM unnest(changed) AS account_id
     WHERE EXISTS (SELECT 1 FROM mail_accounts a WHERE a.id = account_id)
     ORDER BY 1
    ON CONFLICT (account_id, shard) DO UPDATE SET version = mail_received_versions.version + 1;
$$;

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

CREATE FUNCTION mail_received_versions_folders_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_received_versions_raise(ARRAY(SELECT DISTINCT account_id FROM gone_folders));
    RETURN NULL;
END $$;

CREATE TRIGGER mail_received_versions_folders_delete AFTER DELETE ON mail_folders
    REFERENCING OLD TABLE AS gone_folders
    FOR EACH STATEMENT EXECUTE FUNCTION mail_received_versions_folders_gone();
