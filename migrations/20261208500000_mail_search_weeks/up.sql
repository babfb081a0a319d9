-- A search reads the newest matches of a mailbox week by week, newest first, and stops when it
-- has a page: its cost follows the page, not how many messages of the mailbox match. Each
-- message's week of its mailbox is one key of the word index, beside its words, so one index
-- scan finds the matches of one week (GIN intersects the week's short list with the words').
--
-- The key packs the mailbox (a hash: the scan also checks `account_id`) and the week since
-- 1970-01-01 UTC (16 bits, enough until the year 3226). It is generated from the row, so every
-- writer keeps it; `mail_search_week(account_id, received_at)` is the same expression, for the
-- queries.
CREATE FUNCTION mail_search_week(account uuid, received timestamptz) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (hashtext(account::text)::bigint << 16)
           + date_part('day', received - timestamptz '1970-01-01 00:00:00+00')::bigint / 7;

ALTER TABLE mail_messages
    ADD COLUMN search_week bigint NOT NULL
        GENERATED ALWAYS AS (mail_search_week(account_id, received_at)) STORED;

CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX mail_messages_week_search ON mail_messages USING gin (search_week, search);
DROP INDEX mail_messages_search;
