-- The live stream. Each statement that appends events notifies `switchboard_events` (once per
-- statement, delivered at commit and merged per transaction by PostgreSQL), which wakes the one
-- reader task of every `serve` process; the readers then read the log itself.
CREATE FUNCTION switchboard_events_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('switchboard_events', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE PROCEDURE switchboard_events_notify();

-- Stream tickets: the SHA-256 of a short-lived ticket that opens one stream once, for browsers
-- that cannot send an Authorization header. Taken by DELETE … RETURNING, refused after
-- `expires_at`, swept when new ones are stored.
CREATE TABLE stream_tickets (
    ticket_hash BYTEA PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX stream_tickets_expires_at ON stream_tickets (expires_at);
CREATE INDEX stream_tickets_user_id ON stream_tickets (user_id);
