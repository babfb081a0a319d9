DROP TRIGGER users_identity_notify ON users;
DROP TRIGGER sessions_identity_notify ON sessions;
DROP FUNCTION switchboard_identity_notify();
