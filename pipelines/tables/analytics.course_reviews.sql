-- Course reviews for analysis, replaced on every run.
CREATE TABLE analytics.course_reviews (
  id INTEGER NOT NULL PRIMARY KEY,
  course_id INTEGER NOT NULL DISTKEY,
  user_id INTEGER NOT NULL,
  rating SMALLINT NOT NULL,
  body VARCHAR(65535),
  created_at TIMESTAMP NOT NULL
)
SORTKEY (created_at);
