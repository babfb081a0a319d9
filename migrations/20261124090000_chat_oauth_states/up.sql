-- OAuth authorizations in flight (Slack OAuth v2): the SHA-256 of the `state` sent to the
-- provider, bound to the user who started the flow; taken once by the callback
-- (DELETE … RETURNING), refused after `expires_at`, swept when new ones are stored.
CREATE TABLE chat_oauth_states (
    state_hash BYTEA PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX chat_oauth_states_expires_at ON chat_oauth_states (expires_at);
CREATE INDEX chat_oauth_states_user_id ON chat_oauth_states (user_id);
