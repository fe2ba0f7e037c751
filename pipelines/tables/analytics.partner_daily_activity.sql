-- Partner events per course, kind and day.
CREATE TABLE analytics.partner_daily_activity (
  day DATE NOT NULL,
  course_id INTEGER NOT NULL,
  kind VARCHAR(32) NOT NULL,
  events BIGINT NOT NULL,
  PRIMARY KEY (day, course_id, kind)
)
SORTKEY (day);
