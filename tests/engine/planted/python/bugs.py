"""Order import helpers."""

import json
import os


def load_orders(path, cache={}):  # expect: ruff:B006
    if path in cache:
        return cache[path]
    with open(path) as handle:
        orders = json.load(handle)
    cache[path] = orders
    return orders


def total(orders):
    result = 0
    for order in orders:
        result += order["amount"]
    return reslt  # expect: ruff:F821


def find(orders, order_id):
    for order in orders:
        if order["id"] is order_id:  # missed: identity comparison used for equality
            return order
    return None


def parse_amount(text):
    try:
        return float(text)
    except:  # expect: ruff:E722
        return 0.0


def archive(orders, folder):
    count = len(orders)  # expect: ruff:F841
    for order in orders:
        path = os.path.join(folder, f"{order['id']}.json")
        with open(path, "w") as handle:
            json.dump(order, handle)


def notify(orders, send):
    callbacks = []
    for order in orders:
        callbacks.append(lambda: send(order))  # expect: ruff:B023
    return callbacks


def validate(order):
    assert (order["amount"] > 0, "amount must be positive")  # expect: ruff:F631
    return order


def summary(orders):
    return "%s orders, %s total" % (len(orders),)  # expect: ruff:F507


def same_customer(a, b):
    return a["customer"] == a["customer"]  # missed: self-comparison
