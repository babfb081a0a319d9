DROP TABLE external_logins;
DROP TABLE mail_pending_links;
DROP TABLE mail_link_states;
DROP INDEX mail_accounts_to_sync;
DROP INDEX mail_messages_account_thread;
DROP INDEX mail_messages_account_from;
ALTER TABLE mail_messages DROP COLUMN attachments;
