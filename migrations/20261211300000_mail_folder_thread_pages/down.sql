CREATE INDEX mail_threads_key_latest ON mail_threads (account_id, thread_key)
    INCLUDE (latest_at, unread);
CREATE INDEX mail_message_folders_folder_thread ON mail_message_folders (folder_id, thread_key);
DROP TRIGGER mail_folder_threads_follow ON mail_threads;
DROP TRIGGER mail_folder_threads_delete ON mail_message_folders;
DROP TRIGGER mail_folder_threads_insert ON mail_message_folders;
DROP FUNCTION mail_folder_threads_after_thread_update();
DROP FUNCTION mail_folder_threads_after_delete();
DROP FUNCTION mail_folder_threads_after_insert();
DROP TABLE mail_folder_threads;
