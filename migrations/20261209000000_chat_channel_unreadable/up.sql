-- When the provider stopped letting the source's user read the channel (left or removed
-- from a private channel, the channel deleted); null while it is readable.
ALTER TABLE chat_channels ADD COLUMN unreadable_since timestamptz;
