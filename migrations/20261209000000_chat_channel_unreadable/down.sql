ALTER TABLE chat_channels DROP COLUMN unreadable_since;
