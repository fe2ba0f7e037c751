-- The application's users, copied in full every day.
-- etlctl: description="The app's users table as extracted, in four parts" tags=users,personal-data
CREATE TABLE staging.users (
  id INTEGER NOT NULL,                -- etlctl: pii=pii
  email VARCHAR(256) NOT NULL,        -- etlctl: pii=pii description="Login e-mail address"
  country CHAR(2),                    -- etlctl: pii=internal
  bio VARCHAR(65535),                 -- etlctl: pii=pii
  created_at TIMESTAMP NOT NULL,      -- etlctl: pii=none
  PRIMARY KEY (id)
)
DISTSTYLE EVEN;
