-- Servers keep the sessions (with their users) that requests checked, and forget one when told
-- it changed: every update or removal of a session or a user notifies `switchboard_identity`
-- with `s:<session id>` or `u:<user id>`, delivered at commit. A session inserted needs no
-- notice (no server kept it). PostgreSQL folds identical notices of one transaction into one.
CREATE FUNCTION switchboard_identity_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('switchboard_identity',
                      CASE TG_TABLE_NAME WHEN 'sessions' THEN 's:' ELSE 'u:' END || OLD.id);
    RETURN NULL;
END $$;

CREATE TRIGGER sessions_identity_notify AFTER UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION switchboard_identity_notify();
CREATE TRIGGER users_identity_notify AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION switchboard_identity_notify();
