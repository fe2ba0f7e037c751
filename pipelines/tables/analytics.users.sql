-- Users as analysts query them.
-- etlctl: tags=users,core,personal-data
CREATE TABLE analytics.users (
  id INTEGER NOT NULL PRIMARY KEY,    -- etlctl: pii=pii
  email VARCHAR(256) NOT NULL,        -- etlctl: pii=pii
  country CHAR(2),                    -- etlctl: pii=internal
  bio VARCHAR(65535),                 -- etlctl: pii=pii
  created_at TIMESTAMP NOT NULL       -- etlctl: pii=none
)
DISTKEY (id)
SORTKEY (created_at);
COMMENT ON TABLE analytics.users IS 'Registered users, one row each, replaced daily from the app database';
COMMENT ON COLUMN analytics.users.email IS 'Login e-mail address';
COMMENT ON COLUMN analytics.users.country IS 'ISO 3166-1 alpha-2 country code the user chose';
COMMENT ON COLUMN analytics.users.bio IS 'Profile text written by the user';
