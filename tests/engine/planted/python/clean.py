"""Order export helpers."""

from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger(__name__)


def load_orders(path: Path, cache: dict[Path, list] | None = None) -> list:
    cache = {} if cache is None else cache
    if path in cache:
        return cache[path]
    with path.open() as handle:
        orders = json.load(handle)
    cache[path] = orders
    return orders


def total(orders: list[dict]) -> float:
    return sum(order["amount"] for order in orders)


def find(orders: list[dict], order_id: str) -> dict | None:
    for order in orders:
        if order["id"] == order_id:
            return order
    return None


def parse_amount(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        log.warning("not an amount: %r", text)
        return 0.0


def archive(orders: list[dict], folder: Path) -> int:
    for order in orders:
        path = folder / f"{order['id']}.json"
        path.write_text(json.dumps(order))
    return len(orders)


def validate(order: dict) -> dict:
    if order["amount"] <= 0:
        raise ValueError("amount must be positive")
    return order


def summary(orders: list[dict]) -> str:
    return f"{len(orders)} orders, {total(orders)} total"
