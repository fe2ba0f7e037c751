-- Raw copy of the application's enrollments, reloaded on every run.
-- etlctl: description="Raw copy of the app's enrollments table, truncated and reloaded every run" tags=enrollments
CREATE TABLE staging.enrollments (
  id INTEGER NOT NULL ENCODE az64,    -- etlctl: pii=none
  user_id INTEGER NOT NULL,           -- etlctl: pii=pii
  course_id INTEGER NOT NULL,         -- etlctl: pii=none
  status VARCHAR(20) NOT NULL ENCODE lzo, -- etlctl: pii=none
  enrolled_at TIMESTAMP NOT NULL,     -- etlctl: pii=internal
  score DECIMAL(5,2),                 -- etlctl: pii=internal
  note VARCHAR(65535),                -- etlctl: pii=pii
  PRIMARY KEY (id)
)
DISTSTYLE EVEN;
