-- Identity and access: users, sessions (refresh-token families), refresh tokens (hashes only),
-- API keys (hashes only), throttle windows shared by every server process, sealed secrets.

CREATE TABLE users (
    id            uuid        PRIMARY KEY,
    email         text        NOT NULL UNIQUE CHECK (email = lower(email)),
    display_name  text        NOT NULL DEFAULT '',
    role          text        NOT NULL DEFAULT 'member'
                              CHECK (role IN ('member', 'admin', 'superadmin')),
    disabled      boolean     NOT NULL DEFAULT false,
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
SELECT switchboard_manage_updated_at('users');
-- Admin listing: creation order; search by email substring.
CREATE INDEX users_created ON users (created_at, id);
CREATE INDEX users_superadmins ON users (id) WHERE role = 'superadmin' AND NOT disabled;

CREATE TABLE sessions (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_agent   text        NOT NULL DEFAULT '',
    ip           text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX sessions_user_active ON sessions (user_id, created_at DESC) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
    token_hash bytea       PRIMARY KEY,
    session_id uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    used       boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE api_keys (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    prefix       text        NOT NULL UNIQUE,
    secret_hash  bytea       NOT NULL,
    scopes       text[]      NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    expires_at   timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_user_active ON api_keys (user_id, created_at DESC) WHERE revoked_at IS NULL;

-- Fixed windows: `hits` counted until `resets_at`. Upserted atomically by every process.
CREATE TABLE throttles (
    bucket    text        PRIMARY KEY,
    hits      integer     NOT NULL,
    resets_at timestamptz NOT NULL
);
CREATE INDEX throttles_resets_at ON throttles (resets_at);

CREATE TABLE sealed_secrets (
    id         uuid        PRIMARY KEY,
    owner_id   uuid        REFERENCES users (id) ON DELETE CASCADE,
    purpose    text        NOT NULL,
    key_id     text        NOT NULL,
    ciphertext bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT switchboard_manage_updated_at('sealed_secrets');
CREATE INDEX sealed_secrets_key_id ON sealed_secrets (key_id);
CREATE INDEX sealed_secrets_owner ON sealed_secrets (owner_id);
