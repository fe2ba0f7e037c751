-- A partner's daily event feed as delivered (gzip TSV), truncated and reloaded every day.
CREATE TABLE staging.partner_events (
  event_id BIGINT NOT NULL,
  user_id INTEGER NOT NULL,
  course_id INTEGER NOT NULL,
  kind VARCHAR(32) NOT NULL,
  occurred_at TIMESTAMP NOT NULL,
  PRIMARY KEY (event_id)
);
