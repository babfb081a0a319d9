DROP TABLE sealed_secrets;
DROP TABLE throttles;
DROP TABLE api_keys;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE users;
