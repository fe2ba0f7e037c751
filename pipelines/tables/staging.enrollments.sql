-- Raw copy of the application's enrollments, reloaded on every run.
CREATE TABLE staging.enrollments (
  id INTEGER NOT NULL ENCODE az64,
  user_id INTEGER NOT NULL,
  course_id INTEGER NOT NULL,
  status VARCHAR(20) NOT NULL ENCODE lzo,
  enrolled_at TIMESTAMP NOT NULL,
  score DECIMAL(5,2),
  note VARCHAR(65535),
  PRIMARY KEY (id)
)
DISTSTYLE EVEN;
