-- A folder's messages newest first, as its links hold them: a page of a folder (or label) is
-- read along this index and costs its page whatever share of the mailbox the folder holds.
-- Read along the mailbox's time index instead, testing each message's links, a folder with 1 %
-- of 100,000 messages cost 5,600 rows for a page (18 ms), one with 0.1 % the whole mailbox. A
-- link's `received_at` is its message's: links are written with their message, never updated.
-- It also serves what the `(folder_id)` index served (a folder's links).
CREATE INDEX mail_message_folders_folder_time
    ON mail_message_folders (folder_id, received_at DESC, message_id DESC);
DROP INDEX mail_message_folders_folder;
