-- A partner's daily event feed as delivered (gzip TSV), truncated and reloaded every day.
-- etlctl: description="One day of a partner's event feed, as delivered" tags=partners
CREATE TABLE staging.partner_events (
  event_id BIGINT NOT NULL,
  user_id INTEGER NOT NULL,           -- etlctl: pii=pii
  course_id INTEGER NOT NULL,
  kind VARCHAR(32) NOT NULL,
  occurred_at TIMESTAMP NOT NULL,     -- etlctl: pii=internal
  PRIMARY KEY (event_id)
);
