ALTER TABLE refresh_tokens
    DROP CONSTRAINT refresh_tokens_successor_complete,
    DROP COLUMN successor_masked,
    DROP COLUMN successor_hash,
    DROP COLUMN used_at;
