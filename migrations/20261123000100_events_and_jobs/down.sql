DROP TABLE recurring_jobs;
DROP TABLE jobs;
DROP TABLE event_consumers;
DROP TABLE events;
DROP FUNCTION switchboard_events_append_only();
