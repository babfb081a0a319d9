DROP TRIGGER mail_threads_delete ON mail_messages;
DROP TRIGGER mail_threads_update ON mail_messages;
DROP TRIGGER mail_threads_insert ON mail_messages;
DROP FUNCTION mail_threads_after_delete();
DROP FUNCTION mail_threads_after_update();
DROP FUNCTION mail_threads_after_insert();
DROP FUNCTION mail_threads_recount(uuid[], text[]);
DROP FUNCTION mail_thread_of(uuid, text);
DROP TABLE mail_threads;
