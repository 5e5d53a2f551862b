-- Monthly revenue report queries.

SELECT
    o.id,
    o.customer_id,
    o.total
FROM orders AS o
WHERE o.customer_id IS NULL;

SELECT
    o.id,
    c.name
FROM orders AS o
INNER JOIN customers AS c ON o.customer_id = c.id;

SELECT
    o.id,
    o.total
FROM orders AS o
WHERE o.status IN ('paid', 'refunded');

UPDATE orders
SET status = 'archived'
WHERE created_at < '2020-01-01';

SELECT
    o.customer_id,
    SUM(o.total) AS revenue
FROM orders AS o
GROUP BY o.customer_id;

SELECT
    o.id,
    c.name
FROM orders AS o, customers AS c
WHERE o.customer_id = c.id;

DELETE FROM order_lines
WHERE order_id IN (SELECT o.id FROM orders AS o WHERE o.status = 'cancelled');
