-- Every partner event; a delta load adds the new days.
CREATE TABLE analytics.partner_events (
  event_id BIGINT NOT NULL PRIMARY KEY,
  user_id INTEGER NOT NULL DISTKEY,
  course_id INTEGER NOT NULL,
  kind VARCHAR(32) NOT NULL ENCODE lzo,
  occurred_at TIMESTAMP NOT NULL
)
SORTKEY (occurred_at);
