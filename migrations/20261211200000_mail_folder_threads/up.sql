-- A folder link carries its message's conversation, so the threads of a folder are read from
-- the links alone: whether a thread is in a folder is one probe of the
-- `(folder_id, thread_key)` index (it was a read of each of the thread's messages, then of
-- their links: about 10 µs a thread, so an inbox's page of threads cost 0.5 ms to test), and
-- a small folder's threads are listed from that index without reading its messages. Links are
-- written with their message and never updated, so the key stays its message's.
ALTER TABLE mail_message_folders ADD COLUMN thread_key text;
ALTER TABLE mail_message_folders DISABLE TRIGGER mail_message_folders_no_update;
UPDATE mail_message_folders l SET thread_key = m.thread_key
  FROM mail_messages m WHERE m.id = l.message_id;
ALTER TABLE mail_message_folders ENABLE TRIGGER mail_message_folders_no_update;
ALTER TABLE mail_message_folders ALTER COLUMN thread_key SET NOT NULL;
CREATE INDEX mail_message_folders_folder_thread ON mail_message_folders (folder_id, thread_key);

-- The threads listed for a small folder are sorted by their latest activity before their
-- page is read: from this index alone, not from each thread's row.
CREATE INDEX mail_threads_key_latest ON mail_threads (account_id, thread_key)
    INCLUDE (latest_at, unread);
