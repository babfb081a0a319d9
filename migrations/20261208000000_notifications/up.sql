-- Per-user notifications, made by an event-log consumer; the marks it keeps between runs
-- (a first sync seen, a failure already told, a day's summary told); the kinds a user opted
-- out of.

CREATE TABLE notifications (
    id         uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text        NOT NULL,
    params     jsonb       NOT NULL,
    message    text        NOT NULL,
    -- What made it (an event's position, an object's first sync): never two alike.
    dedupe_key text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    read_at    timestamptz
);

-- The listing, newest first, and its unread filter.
CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_by_user ON notifications (user_id, created_at DESC, id DESC)
    WHERE read_at IS NULL;
-- Expiry.
CREATE INDEX notifications_by_age ON notifications (created_at);

CREATE TABLE notification_marks (
    key        text        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    -- Kept past the retention (a first sync happens once in an object's life).
    lasting    bool        NOT NULL
);

CREATE INDEX notification_marks_by_age ON notification_marks (created_at) WHERE NOT lasting;

CREATE TABLE notification_opt_outs (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    text NOT NULL,
    PRIMARY KEY (user_id, kind)
);
