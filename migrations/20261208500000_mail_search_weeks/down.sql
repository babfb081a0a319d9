CREATE INDEX mail_messages_search ON mail_messages USING gin (search);
DROP INDEX mail_messages_week_search;
ALTER TABLE mail_messages DROP COLUMN search_week;
DROP FUNCTION mail_search_week(uuid, timestamptz);
