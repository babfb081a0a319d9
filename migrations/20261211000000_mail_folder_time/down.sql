CREATE INDEX mail_message_folders_folder ON mail_message_folders (folder_id);
DROP INDEX mail_message_folders_folder_time;
