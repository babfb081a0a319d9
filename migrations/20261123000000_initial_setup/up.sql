-- Helpers every later table uses: `updated_at` kept current by a trigger.

CREATE OR REPLACE FUNCTION switchboard_set_updated_at() RETURNS trigger AS $$
BEGIN
    IF (NEW IS DISTINCT FROM OLD AND NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at) THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- Call as `SELECT switchboard_manage_updated_at('table_name');` after creating a table that
-- has an `updated_at timestamptz` column.
CREATE OR REPLACE FUNCTION switchboard_manage_updated_at(_tbl regclass) RETURNS void AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER set_updated_at BEFORE UPDATE ON %s
                    FOR EACH ROW EXECUTE PROCEDURE switchboard_set_updated_at()', _tbl);
END;
$$ LANGUAGE plpgsql;
