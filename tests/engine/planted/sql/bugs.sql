-- Monthly revenue report queries.

SELECT *  -- missed: SELECT * (AM04 is off by default: noise on real code)
FROM orders
WHERE customer_id = NULL;  -- expect: sqlfluff:CV05

SELECT o.id, c.name
FROM orders o, customers c;  -- expect: oc-sql:implicit-cross-join

select o.id, O.TOTAL from orders as o  -- missed: inconsistent keyword case (CP01, layout, is off by default)
where o.total > 100;

SELECT id, total
FROM orders
WHERE status IN ('paid', 'paid');  -- expect: oc-sql:duplicate-in-value

UPDATE orders SET status = 'archived';  -- expect: oc-sql:update-without-where

DELETE FROM order_lines;  -- expect: oc-sql:delete-without-where

SELECT customer_id, SUM(total) AS total, SUM(total) AS total  -- expect: sqlfluff:AL08
FROM orders
GROUP BY customer_id;

SELECT a.id, b.id
FROM orders a
JOIN payments b ON a.id = a.id;  -- expect: sqlfluff:ST10
