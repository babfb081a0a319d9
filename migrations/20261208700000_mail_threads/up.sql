-- An account's threads as the thread list shows them, kept by triggers in the transaction
-- that writes the messages: a page of `GET /api/mail/threads` reads 50 rows along this table's
-- time index instead of grouping the whole mailbox (135 ms over 100,000 messages, at every
-- page) and then reading each thread's latest message and senders (2.3 ms a page).
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
    -- The newest message's subject and snippet.
    subject    text        NOT NULL,
    snippet    text        NOT NULL,
    -- Up to ten distinct senders (by address, whatever its case), each as named in their
    -- latest message, latest first: `[{name, address}]`.
    senders    jsonb       NOT NULL,
    PRIMARY KEY (account_id, thread_key)
);
CREATE INDEX mail_threads_latest ON mail_threads (account_id, latest_at DESC, thread_key DESC);
CREATE INDEX mail_threads_latest_unread ON mail_threads (account_id, latest_at DESC, thread_key DESC)
    WHERE unread > 0;

-- One thread of an account as counted from its messages (through
-- `mail_messages_account_thread`); `messages` is 0 when it has none.
CREATE FUNCTION mail_thread_of(account uuid, thread text,
        OUT latest_at timestamptz, OUT messages integer, OUT unread integer,
        OUT subject text, OUT snippet text, OUT senders jsonb)
    LANGUAGE sql STABLE AS $$
    SELECT c.latest_at, c.messages, c.unread, c.subject, c.snippet, s.senders
      FROM (SELECT max(m.received_at) AS latest_at, count(*)::integer AS messages,
                   (count(*) FILTER (WHERE m.unread))::integer AS unread,
                   (array_agg(m.subject ORDER BY m.received_at DESC, m.id DESC))[1] AS subject,
                   (array_agg(m.snippet ORDER BY m.received_at DESC, m.id DESC))[1] AS snippet
              FROM mail_messages m
             WHERE m.account_id = account AND m.thread_key = thread) c,
           (SELECT coalesce(jsonb_agg(jsonb_build_object('name', d.from_name,
                                                         'address', d.from_address)
                                      ORDER BY d.received_at DESC, d.id DESC), '[]') AS senders
              FROM (SELECT * FROM (
                        SELECT DISTINCT ON (lower(m.from_address)) m.from_name, m.from_address,
                               m.received_at, m.id
                          FROM mail_messages m
                         WHERE m.account_id = account AND m.thread_key = thread
                           AND m.from_address IS NOT NULL
                         ORDER BY lower(m.from_address), m.received_at DESC, m.id DESC) latest
                     ORDER BY latest.received_at DESC, latest.id DESC LIMIT 10) d) s
$$;

CREATE FUNCTION mail_threads_recount(accounts uuid[], keys text[]) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    -- Each thread once, in key order.
    SELECT array_agg(d.a ORDER BY d.a, d.k), array_agg(d.k ORDER BY d.a, d.k)
      INTO accounts, keys
      FROM (SELECT DISTINCT a, k FROM unnest(accounts, keys) AS u(a, k)) d;
    -- Lock (or create) each thread's row, in that order.
    INSERT INTO mail_threads (account_id, thread_key, latest_at, messages, unread, subject,
                              snippet, senders)
    SELECT a, k, timestamptz 'epoch', 0, 0, '', '', '[]'::jsonb
      FROM unnest(accounts, keys) WITH ORDINALITY AS u(a, k, n)
     WHERE EXISTS (SELECT 1 FROM mail_accounts x WHERE x.id = u.a)
     ORDER BY n
    ON CONFLICT (account_id, thread_key) DO NOTHING;
    PERFORM 1 FROM mail_threads t
      JOIN unnest(accounts, keys) AS u(a, k) ON t.account_id = u.a AND t.thread_key = u.k
     ORDER BY t.account_id, t.thread_key
       FOR UPDATE OF t;
    -- Count them again (a new snapshot), and drop the threads left without messages.
    WITH counted AS (
        SELECT t.account_id, t.thread_key, c.*
          FROM mail_threads t
          JOIN unnest(accounts, keys) AS u(a, k) ON t.account_id = u.a AND t.thread_key = u.k
         CROSS JOIN LATERAL mail_thread_of(t.account_id, t.thread_key) c
    ), gone AS (
        DELETE FROM mail_threads t USING counted c
         WHERE t.account_id = c.account_id AND t.thread_key = c.thread_key AND c.messages = 0
    )
    UPDATE mail_threads t
       SET latest_at = c.latest_at, messages = c.messages, unread = c.unread,
           subject = c.subject, snippet = c.snippet, senders = c.senders
      FROM counted c
     WHERE t.account_id = c.account_id AND t.thread_key = c.thread_key AND c.messages > 0
       AND (t.latest_at, t.messages, t.unread, t.subject, t.snippet, t.senders)
           IS DISTINCT FROM (c.latest_at, c.messages, c.unread, c.subject, c.snippet, c.senders);
END $$;

CREATE FUNCTION mail_threads_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_threads_recount(array_agg(account_id), array_agg(thread_key)) FROM new_messages;
    RETURN NULL;
END $$;

-- Only the threads whose message changed in what a thread shows.
CREATE FUNCTION mail_threads_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_threads_recount(array_agg(c.account_id), array_agg(c.thread_key))
       FROM (WITH changed AS (
                 SELECT n.account_id, n.thread_key, o.thread_key AS old_key
                   FROM new_messages n JOIN old_messages o USING (id)
                  WHERE (n.thread_key, n.received_at, n.unread, n.subject, n.snippet,
                         n.from_name, n.from_address)
                        IS DISTINCT FROM (o.thread_key, o.received_at, o.unread, o.subject,
                                          o.snippet, o.from_name, o.from_address))
             SELECT account_id, thread_key FROM changed
             UNION SELECT account_id, old_key FROM changed) AS c
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

INSERT INTO mail_threads (account_id, thread_key, latest_at, messages, unread, subject, snippet,
                          senders)
SELECT k.account_id, k.thread_key, c.latest_at, c.messages, c.unread, c.subject, c.snippet,
       c.senders
  FROM (SELECT DISTINCT account_id, thread_key FROM mail_messages) k
 CROSS JOIN LATERAL mail_thread_of(k.account_id, k.thread_key) c;
