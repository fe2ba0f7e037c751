-- Recompute one day of partner activity; the day is bound from script_arguments.
DELETE FROM analytics.partner_daily_activity WHERE day = %s;
INSERT INTO analytics.partner_daily_activity (day, course_id, kind, events)
SELECT TRUNC(occurred_at), course_id, kind, COUNT(*)
FROM analytics.partner_events
WHERE TRUNC(occurred_at) = %s
GROUP BY 1, 2, 3;
