-- An account's threads, kept by triggers in the transaction that writes the messages: a page
-- of `GET /api/mail/threads` walks this table's time index instead of grouping the whole
-- mailbox (140 ms over 100,000 messages, at every page).
--
-- A thread's row is recounted from its messages (through `mail_messages_account_thread`)
-- whenever one of its messages is written, moved to another thread or deleted: counts are
-- exact, and the latest message of a thread whose latest was deleted is found again. The
-- affected rows are locked first, in key order, and counted by the next statement, which
-- sees what concurrent writers of the same thread committed meanwhile (READ COMMITTED takes
-- a snapshot per statement).
CREATE TABLE mail_threads (
    account_id uuid        NOT NULL REFERENCES mail_accounts (id) ON DELETE CASCADE,
    thread_key text        NOT NULL,
    -- The newest message's receipt time.
    latest_at  timestamptz NOT NULL,
    messages   integer     NOT NULL,
    unread     integer     NOT NULL,
    PRIMARY KEY (account_id, thread_key)
);
CREATE INDEX mail_threads_latest ON mail_threads (account_id, latest_at DESC, thread_key DESC);
CREATE INDEX mail_threads_latest_unread ON mail_threads (account_id, latest_at DESC, thread_key DESC)
    WHERE unread > 0;

CREATE FUNCTION mail_threads_recount(accounts uuid[], keys text[]) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    -- Lock (or create) each thread's row, in key order.
    INSERT INTO mail_threads (account_id, thread_key, latest_at, messages, unread)
    SELECT DISTINCT a, k, timestamptz 'epoch', 0, 0
      FROM unnest(accounts, keys) AS u(a, k)
     WHERE EXISTS (SELECT 1 FROM mail_accounts x WHERE x.id = u.a)
     ORDER BY a, k
    ON CONFLICT (account_id, thread_key) DO NOTHING;
    PERFORM 1 FROM mail_threads t
      JOIN unnest(accounts, keys) AS u(a, k) ON t.account_id = u.a AND t.thread_key = u.k
     ORDER BY t.account_id, t.thread_key
       FOR UPDATE OF t;
    -- Count them again (a new snapshot), and drop the threads left without messages.
    WITH counted AS (
        SELECT t.account_id, t.thread_key, c.latest_at, c.messages, c.unread
          FROM mail_threads t
          JOIN (SELECT DISTINCT a, k FROM unnest(accounts, keys) AS u(a, k)) u
            ON t.account_id = u.a AND t.thread_key = u.k
         CROSS JOIN LATERAL (
                SELECT max(m.received_at) AS latest_at, count(*)::integer AS messages,
                       (count(*) FILTER (WHERE m.unread))::integer AS unread
                  FROM mail_messages m
                 WHERE m.account_id = t.account_id AND m.thread_key = t.thread_key) c
    ), gone AS (
        DELETE FROM mail_threads t USING counted c
         WHERE t.account_id = c.account_id AND t.thread_key = c.thread_key AND c.messages = 0
    )
    UPDATE mail_threads t
       SET latest_at = c.latest_at, messages = c.messages, unread = c.unread
      FROM counted c
     WHERE t.account_id = c.account_id AND t.thread_key = c.thread_key AND c.messages > 0
       AND (t.latest_at, t.messages, t.unread) IS DISTINCT FROM (c.latest_at, c.messages, c.unread);
END $$;

CREATE FUNCTION mail_threads_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_threads_recount(array_agg(account_id), array_agg(thread_key)) FROM new_messages;
    RETURN NULL;
END $$;

-- Only the threads whose message changed thread, time or read state.
CREATE FUNCTION mail_threads_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_threads_recount(array_agg(c.account_id), array_agg(c.thread_key))
       FROM (SELECT n.account_id, n.thread_key FROM new_messages n JOIN old_messages o USING (id)
              WHERE (n.thread_key, n.received_at, n.unread)
                    IS DISTINCT FROM (o.thread_key, o.received_at, o.unread)
             UNION
             SELECT o.account_id, o.thread_key FROM new_messages n JOIN old_messages o USING (id)
              WHERE (n.thread_key, n.received_at, n.unread)
                    IS DISTINCT FROM (o.thread_key, o.received_at, o.unread)) AS c
      HAVING count(*) > 0;
    RETURN NULL;
END $$;

-- When an account is deleted its messages go by cascade and its threads with it: the recount
-- then finds neither, and leaves nothing behind.
CREATE FUNCTION mail_threads_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_threads_recount(array_agg(account_id), array_agg(thread_key)) FROM old_messages;
    RETURN NULL;
END $$;

CREATE TRIGGER mail_threads_insert AFTER INSERT ON mail_messages
    REFERENCING NEW TABLE AS new_messages
    FOR EACH STATEMENT EXECUTE FUNCTION mail_threads_after_insert();
CREATE TRIGGER mail_threads_update AFTER UPDATE ON mail_messages
    REFERENCING OLD TABLE AS old_messages NEW TABLE AS new_messages
    FOR EACH STATEMENT EXECUTE FUNCTION mail_threads_after_update();
CREATE TRIGGER mail_threads_delete AFTER DELETE ON mail_messages
    REFERENCING OLD TABLE AS old_messages
    FOR EACH STATEMENT EXECUTE FUNCTION mail_threads_after_delete();

INSERT INTO mail_threads (account_id, thread_key, latest_at, messages, unread)
SELECT account_id, thread_key, max(received_at), count(*), count(*) FILTER (WHERE unread)
  FROM mail_messages GROUP BY 1, 2;
