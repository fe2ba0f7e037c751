-- Every partner event; a delta load adds the new days.
-- etlctl: description="Every event partners sent us, one row each" tags=partners
CREATE TABLE analytics.partner_events (
  event_id BIGINT NOT NULL PRIMARY KEY,
  user_id INTEGER NOT NULL DISTKEY,   -- etlctl: pii=pii description="The learner the event is about"
  course_id INTEGER NOT NULL,
  kind VARCHAR(32) NOT NULL ENCODE lzo, -- etlctl: pii=none description="view, start, complete, …"
  occurred_at TIMESTAMP NOT NULL      -- etlctl: pii=internal
)
SORTKEY (occurred_at);
