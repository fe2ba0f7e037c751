-- Partner events per course, kind and day.
-- etlctl: description="Partner events counted per course, kind and day; published to the reporting service" tags=partners,reporting
CREATE TABLE analytics.partner_daily_activity (
  day DATE NOT NULL,                  -- etlctl: pii=none
  course_id INTEGER NOT NULL,         -- etlctl: pii=none
  kind VARCHAR(32) NOT NULL,          -- etlctl: pii=none
  events BIGINT NOT NULL,             -- etlctl: pii=none description="Number of events"
  PRIMARY KEY (day, course_id, kind)
)
SORTKEY (day);
