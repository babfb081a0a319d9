DROP TABLE chat_oauth_states;
