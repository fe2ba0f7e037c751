-- Users as analysts query them.
CREATE TABLE analytics.users (
  id INTEGER NOT NULL PRIMARY KEY,
  email VARCHAR(256) NOT NULL,
  country CHAR(2),
  bio VARCHAR(65535),
  created_at TIMESTAMP NOT NULL
)
DISTKEY (id)
SORTKEY (created_at);
