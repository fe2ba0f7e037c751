-- Course reviews copied from the reporting service's Postgres database.
-- etlctl: description="Course reviews as extracted from the reporting service" tags=reviews
CREATE TABLE staging.course_reviews (
  id INTEGER NOT NULL,
  course_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,           -- etlctl: pii=pii
  rating SMALLINT NOT NULL,           -- etlctl: pii=none
  body VARCHAR(65535),                -- etlctl: pii=pii
  created_at TIMESTAMP NOT NULL,
  PRIMARY KEY (id)
);
