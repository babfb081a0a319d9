-- The event log: every addition, change and deletion of a domain object, append-only.
--
-- `tx_id` is the id of the writing transaction. Readers only take events whose transaction is
-- older than every transaction still running (`pg_snapshot_xmin`), in (tx_id, id) order: an
-- event committed later can then never land before a position already read, which a plain
-- sequence cannot promise (a transaction holding id 41 may commit after one holding 42).
CREATE TABLE events (
    id             bigserial   PRIMARY KEY,
    tx_id          bigint      NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    occurred_by    uuid,
    owner_id       uuid,
    model_name     text        NOT NULL,
    object_id      text        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('added', 'changed', 'deleted')),
    snapshot       jsonb,
    attribute_name text,
    old_value      jsonb,
    new_value      jsonb,
    CHECK ((kind = 'added') = (snapshot IS NOT NULL)),
    CHECK ((kind = 'changed') = (attribute_name IS NOT NULL))
);
CREATE INDEX events_position ON events (tx_id, id);
CREATE INDEX events_owner_position ON events (owner_id, tx_id, id);
CREATE INDEX events_object_position ON events (model_name, object_id, tx_id, id);

CREATE FUNCTION switchboard_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE PROCEDURE switchboard_events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE PROCEDURE switchboard_events_append_only();

-- Named consumers and the position up to which each has processed the log.
CREATE TABLE event_consumers (
    name       text        PRIMARY KEY,
    tx_id      bigint,
    event_id   bigint,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((tx_id IS NULL) = (event_id IS NULL))
);

-- The job queue. A job that succeeds is deleted; one that fails its last attempt stays `dead`.
CREATE TABLE jobs (
    id           bigserial   PRIMARY KEY,
    job_type     text        NOT NULL,
    payload      jsonb       NOT NULL,
    priority     smallint    NOT NULL DEFAULT 0,
    state        text        NOT NULL DEFAULT 'queued'
                             CHECK (state IN ('queued', 'running', 'failed', 'dead')),
    attempts     integer     NOT NULL DEFAULT 0,
    max_attempts integer     NOT NULL CHECK (max_attempts > 0),
    dedupe_key   text,
    run_at       timestamptz NOT NULL DEFAULT now(),
    locked_by    text,
    lease_until  timestamptz,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((state = 'running') = (lease_until IS NOT NULL))
);
-- At most one pending job per type and dedupe key.
CREATE UNIQUE INDEX jobs_pending_dedupe ON jobs (job_type, dedupe_key)
    WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'failed');
-- Claiming: highest priority, then oldest due.
CREATE INDEX jobs_claimable ON jobs (priority DESC, run_at, id) WHERE state IN ('queued', 'failed');
-- Finding leases that ran out.
CREATE INDEX jobs_leases ON jobs (lease_until) WHERE state = 'running';
-- The admin views, by state.
CREATE INDEX jobs_by_state ON jobs (state, id);
SELECT switchboard_manage_updated_at('jobs');

-- Recurring jobs: each occurrence is enqueued once, whatever the number of workers.
CREATE TABLE recurring_jobs (
    name          text        PRIMARY KEY,
    job_type      text        NOT NULL,
    payload       jsonb       NOT NULL,
    interval_secs integer     NOT NULL CHECK (interval_secs > 0),
    next_run_at   timestamptz NOT NULL
);
