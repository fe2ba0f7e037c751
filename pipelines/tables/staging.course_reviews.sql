-- Course reviews copied from the reporting service's Postgres database.
CREATE TABLE staging.course_reviews (
  id INTEGER NOT NULL,
  course_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  rating SMALLINT NOT NULL,
  body VARCHAR(65535),
  created_at TIMESTAMP NOT NULL,
  PRIMARY KEY (id)
);
