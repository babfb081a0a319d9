-- A rotated refresh token remembers when it was used and its successor (the successor's hash,
-- and the successor masked with a key only the old token's holder can derive), so that a
-- refresh racing the rotation within the grace period gets the same successor back.
ALTER TABLE refresh_tokens
    ADD COLUMN used_at          timestamptz,
    ADD COLUMN successor_hash   bytea,
    ADD COLUMN successor_masked bytea,
    ADD CONSTRAINT refresh_tokens_successor_complete
        CHECK ((successor_hash IS NULL) = (successor_masked IS NULL)
               AND (successor_hash IS NULL OR (used AND used_at IS NOT NULL)));
