DROP INDEX mail_threads_key_latest;
DROP INDEX mail_message_folders_folder_thread;
ALTER TABLE mail_message_folders DROP COLUMN thread_key;
