-- Demo data for the embedded app_db (local mode). Portable SQL: also runs on MySQL/MariaDB.
CREATE TABLE enrollments (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL,
  course_id INTEGER NOT NULL,
  status VARCHAR(20) NOT NULL,
  enrolled_at TIMESTAMP NOT NULL,
  score DECIMAL(5,2),
  note TEXT
);
INSERT INTO enrollments (id, user_id, course_id, status, enrolled_at, score, note) VALUES
  (1, 101, 7, 'active',    '2026-01-03 09:15:00', NULL,  NULL),
  (2, 102, 7, 'completed', '2026-01-04 10:00:00', 91.50, 'top of the cohort'),
  (3, 103, 8, 'dropped',   '2026-01-05 11:30:00', NULL,  ''),
  (4, 104, 8, 'active',    '2026-01-06 12:45:00', 12.25, 'tab	inside'),
  (5, 105, 9, 'completed', '2026-01-07 08:05:00', 78.00, 'line one
line two'),
  (6, 106, 9, 'active',    '2026-01-08 17:20:00', NULL,  'back\slash and ünïcödé ✓'),
  (7, 101, 8, 'completed', '2026-01-09 07:00:00', 88.75, 'emoji 🎓'),
  (8, 107, 7, 'active',    '2026-01-10 21:10:00', 45.00, 'NULL');
