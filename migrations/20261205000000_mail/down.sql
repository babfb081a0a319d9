DROP TABLE mail_message_folders;
DROP TABLE mail_messages;
DROP TABLE mail_folders;
DROP TABLE mail_accounts;
