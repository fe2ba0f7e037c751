-- Course reviews for analysis, replaced on every run.
-- etlctl: tags=reviews
CREATE TABLE analytics.course_reviews (
  id INTEGER NOT NULL PRIMARY KEY,
  course_id INTEGER NOT NULL DISTKEY,
  user_id INTEGER NOT NULL,           -- etlctl: pii=pii
  rating SMALLINT NOT NULL,           -- etlctl: pii=none
  body VARCHAR(65535),                -- etlctl: pii=pii
  created_at TIMESTAMP NOT NULL
)
SORTKEY (created_at);
COMMENT ON TABLE analytics.course_reviews IS 'Course reviews from the reporting service, replaced every day';
COMMENT ON COLUMN analytics.course_reviews.rating IS 'Stars, 1 to 5';
COMMENT ON COLUMN analytics.course_reviews.body IS 'Review text as the learner wrote it';
