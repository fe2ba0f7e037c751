-- Example table for pipelines/qa_examples.yaml: a composite primary key.
-- etlctl: owner=data-quality description="Order lines used by the QA examples" tags=qa
CREATE TABLE analytics.qa_order_items (
  order_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  sku VARCHAR(32) NOT NULL,
  quantity INTEGER NOT NULL,
  status VARCHAR(16),
  PRIMARY KEY (order_id, line_no)
)
SORTKEY (order_id);
