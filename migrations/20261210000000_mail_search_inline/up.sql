-- A search tests the words of a mailbox's newest messages one by one (see the search steps):
-- kept in the row, compressed, a message's word vector is read with the row, where stored out
-- of line it cost two more index lookups and a page each (about 3 µs a message; a word in half
-- the mail walks 95 of them). The bodies, larger, leave the row first; a vector too large to
-- fit still goes out of line. Rows written before keep their vector where it is until they are
-- written again (or `VACUUM FULL mail_messages`).
ALTER TABLE mail_messages ALTER COLUMN search SET STORAGE MAIN;
