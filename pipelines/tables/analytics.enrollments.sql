-- Enrollments as analysts query them: one row per enrollment, updated in place.
-- etlctl: description="One row per course enrollment, merged daily from the app database" tags=enrollments,core
CREATE TABLE analytics.enrollments (
  id INTEGER NOT NULL PRIMARY KEY,    -- etlctl: pii=none description="Enrollment id (app database)"
  user_id INTEGER NOT NULL DISTKEY,   -- etlctl: pii=pii description="The learner; joins analytics.users"
  course_id INTEGER NOT NULL,         -- etlctl: pii=none
  status VARCHAR(20) NOT NULL,        -- etlctl: pii=none description="active, completed or dropped"
  enrolled_at TIMESTAMP NOT NULL,     -- etlctl: pii=internal description="When the learner enrolled (UTC)"
  score DECIMAL(5,2),                 -- etlctl: pii=internal description="Final grade, 0 to 100"
  note VARCHAR(65535)                 -- etlctl: pii=pii description="Free text written about the learner"
)
COMPOUND SORTKEY (enrolled_at, course_id);
