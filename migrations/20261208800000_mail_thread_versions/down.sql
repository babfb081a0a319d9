ALTER TABLE mail_folder_hours DROP CONSTRAINT mail_folder_hours_pkey,
    ADD PRIMARY KEY (folder_id, hour);
ALTER TABLE mail_account_hours DROP CONSTRAINT mail_account_hours_pkey,
    ADD PRIMARY KEY (account_id, hour);

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

CREATE OR REPLACE FUNCTION mail_threads_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_threads_recount(array_agg(account_id), array_agg(thread_key)) FROM new_messages;
    RETURN NULL;
END $$;

-- Only the threads whose message changed in what a thread shows.
CREATE OR REPLACE FUNCTION mail_threads_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE OR REPLACE FUNCTION mail_threads_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_threads_recount(array_agg(account_id), array_agg(thread_key)) FROM old_messages;
    RETURN NULL;
END $$;

DROP FUNCTION mail_threads_recount(uuid[], text[], boolean[]);
ALTER TABLE mail_thread_summaries DROP COLUMN version;
ALTER TABLE mail_threads DROP COLUMN version;
DROP SEQUENCE mail_thread_versions;
