-- A thread's version: a number drawn again whenever its messages change in what a thread
-- summary reads (which messages, their receipt times, senders, subjects, snippets and plain
-- bodies), so a stored summary computed at the thread's current version is served without
-- reading the thread's messages (a 200-message thread is 200 bodies). Read state does not
-- change it. Drawn from one sequence, a thread deleted and written again never gets a
-- version it had before.
CREATE SEQUENCE mail_thread_versions;
ALTER TABLE mail_threads ADD COLUMN version bigint NOT NULL DEFAULT nextval('mail_thread_versions');

-- The version a stored summary was computed at; 0 (never drawn) for those stored before, which
-- are then checked against their messages once.
ALTER TABLE mail_thread_summaries ADD COLUMN version bigint NOT NULL DEFAULT 0;
ALTER TABLE mail_thread_summaries ALTER COLUMN version DROP DEFAULT;

-- As before, with whether each thread's content changed (`changed`, true for any of a thread's
-- entries): those rows take a new version even when nothing the list shows changed.
CREATE FUNCTION mail_threads_recount(accounts uuid[], keys text[], changed boolean[])
    RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Each thread once, in key order.
    SELECT array_agg(d.a ORDER BY d.a, d.k), array_agg(d.k ORDER BY d.a, d.k),
           array_agg(d.c ORDER BY d.a, d.k)
      INTO accounts, keys, changed
      FROM (SELECT a, k, bool_or(c) AS c FROM unnest(accounts, keys, changed) AS u(a, k, c)
             GROUP BY a, k) d;
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
        SELECT t.account_id, t.thread_key, u.c AS content_changed, c.*
          FROM mail_threads t
          JOIN unnest(accounts, keys, changed) AS u(a, k, c)
            ON t.account_id = u.a AND t.thread_key = u.k
         CROSS JOIN LATERAL mail_thread_of(t.account_id, t.thread_key) c
    ), gone AS (
        DELETE FROM mail_threads t USING counted c
         WHERE t.account_id = c.account_id AND t.thread_key = c.thread_key AND c.messages = 0
    )
    UPDATE mail_threads t
       SET latest_at = c.latest_at, messages = c.messages, unread = c.unread,
           subject = c.subject, snippet = c.snippet, senders = c.senders,
           version = CASE WHEN c.content_changed THEN nextval('mail_thread_versions')
                          ELSE t.version END
      FROM counted c
     WHERE t.account_id = c.account_id AND t.thread_key = c.thread_key AND c.messages > 0
       AND (c.content_changed
            OR (t.latest_at, t.messages, t.unread, t.subject, t.snippet, t.senders)
               IS DISTINCT FROM (c.latest_at, c.messages, c.unread, c.subject, c.snippet,
                                 c.senders));
END $$;

CREATE OR REPLACE FUNCTION mail_threads_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_threads_recount(array_agg(account_id), array_agg(thread_key), array_agg(true))
       FROM new_messages;
    RETURN NULL;
END $$;

-- The threads whose message changed in what a thread shows or a summary reads; a message moved
-- to another thread changes both threads' content.
CREATE OR REPLACE FUNCTION mail_threads_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_threads_recount(array_agg(c.account_id), array_agg(c.thread_key),
                                 array_agg(c.content))
       FROM (WITH changed AS (
                 SELECT n.account_id, n.thread_key, o.thread_key AS old_key,
                        (n.thread_key, n.received_at, n.subject, n.snippet, n.from_name,
                         n.from_address, n.body_text)
                        IS DISTINCT FROM (o.thread_key, o.received_at, o.subject, o.snippet,
                                          o.from_name, o.from_address, o.body_text) AS content
                   FROM new_messages n JOIN old_messages o USING (id)
                  WHERE (n.thread_key, n.received_at, n.unread, n.subject, n.snippet,
                         n.from_name, n.from_address, n.body_text)
                        IS DISTINCT FROM (o.thread_key, o.received_at, o.unread, o.subject,
                                          o.snippet, o.from_name, o.from_address, o.body_text))
             SELECT account_id, thread_key, content FROM changed
             UNION ALL
             SELECT account_id, old_key, true FROM changed WHERE old_key <> thread_key) AS c
      HAVING count(*) > 0;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION mail_threads_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM mail_threads_recount(array_agg(account_id), array_agg(thread_key), array_agg(true))
       FROM old_messages;
    RETURN NULL;
END $$;

DROP FUNCTION mail_threads_recount(uuid[], text[]);

-- The pulse sums an account's (or folder's) hours from the index alone: 720 rows for a daily
-- pulse over 30 days, read without visiting the table (0.35 → 0.24 ms a statement).
ALTER TABLE mail_account_hours DROP CONSTRAINT mail_account_hours_pkey,
    ADD PRIMARY KEY (account_id, hour) INCLUDE (messages);
ALTER TABLE mail_folder_hours DROP CONSTRAINT mail_folder_hours_pkey,
    ADD PRIMARY KEY (folder_id, hour) INCLUDE (messages);
