ALTER TABLE chat_oauth_states DROP COLUMN binding_hash;
