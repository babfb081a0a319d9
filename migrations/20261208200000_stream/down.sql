DROP TABLE stream_tickets;
DROP TRIGGER events_notify ON events;
DROP FUNCTION switchboard_events_notify();
