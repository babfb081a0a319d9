DROP TABLE chat_backfill_checkpoints;
