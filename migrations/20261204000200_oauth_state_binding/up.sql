-- An authorization in flight is also bound to the browser that started it: the SHA-256 of a
-- nonce kept in that browser's cookie, which the callback must present. Authorizations started
-- before have no binding and are dropped (they expire within minutes anyway).
DELETE FROM chat_oauth_states;
ALTER TABLE chat_oauth_states ADD COLUMN binding_hash bytea NOT NULL;
