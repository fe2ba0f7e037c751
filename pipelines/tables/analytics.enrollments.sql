-- Enrollments as analysts query them: one row per enrollment, updated in place.
CREATE TABLE analytics.enrollments (
  id INTEGER NOT NULL PRIMARY KEY,
  user_id INTEGER NOT NULL DISTKEY,
  course_id INTEGER NOT NULL,
  status VARCHAR(20) NOT NULL,
  enrolled_at TIMESTAMP NOT NULL,
  score DECIMAL(5,2),
  note VARCHAR(65535)
)
COMPOUND SORTKEY (enrolled_at, course_id);
