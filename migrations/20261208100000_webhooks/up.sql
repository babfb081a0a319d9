-- Webhooks: a user's subscriptions, each with its ordered outbox of deliveries and their
-- attempts. The signing secret lives sealed in sealed_secrets (secret_id).
CREATE TABLE webhooks (
    id            uuid        PRIMARY KEY,
    owner_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url           text        NOT NULL,
    events        text[]      NOT NULL,
    enabled       boolean     NOT NULL,
    description   text        NOT NULL,
    secret_id     uuid        NOT NULL,
    failing_since timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX webhooks_owner ON webhooks (owner_id, created_at);

CREATE TABLE webhook_deliveries (
    id              uuid        PRIMARY KEY,
    webhook_id      uuid        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    seq             bigserial   NOT NULL,
    event_id        text        NOT NULL,
    event_type      text        NOT NULL,
    payload         jsonb       NOT NULL,
    state           text        NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        integer     NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz
);
-- The outbox's head: the oldest pending delivery of a webhook; and the listing, newest first.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, seq)
    WHERE state = 'pending';
CREATE UNIQUE INDEX webhook_deliveries_by_seq ON webhook_deliveries (webhook_id, seq);

CREATE TABLE webhook_attempts (
    id           bigserial   PRIMARY KEY,
    delivery_id  uuid        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at timestamptz NOT NULL,
    status_code  integer,
    error        text,
    latency_ms   bigint      NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
