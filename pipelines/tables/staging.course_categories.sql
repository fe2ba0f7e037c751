-- Course categories as shipped in pipelines/data/course_categories.tsv, reloaded on every run.
-- etlctl: tags=reference
CREATE TABLE staging.course_categories (
  id INTEGER NOT NULL,
  slug VARCHAR(64) NOT NULL,
  title VARCHAR(256) NOT NULL,
  description VARCHAR(4096),
  PRIMARY KEY (id)
);
