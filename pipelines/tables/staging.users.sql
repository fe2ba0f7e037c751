-- The application's users, copied in full every day.
CREATE TABLE staging.users (
  id INTEGER NOT NULL,
  email VARCHAR(256) NOT NULL,
  country CHAR(2),
  bio VARCHAR(65535),
  created_at TIMESTAMP NOT NULL,
  PRIMARY KEY (id)
)
DISTSTYLE EVEN;
