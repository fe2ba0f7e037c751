-- The course category lookup analysts join against.
-- etlctl: description="Course categories: id, URL slug and title" tags=reference
CREATE TABLE analytics.course_categories (
  id INTEGER NOT NULL PRIMARY KEY,
  slug VARCHAR(64) NOT NULL,
  title VARCHAR(256) NOT NULL,
  description VARCHAR(4096)
)
DISTSTYLE ALL;
