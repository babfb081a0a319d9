DROP FUNCTION IF EXISTS switchboard_manage_updated_at(regclass);
DROP FUNCTION IF EXISTS switchboard_set_updated_at();
