package shop.orders

import scala.concurrent.{Await, Future}
import scala.concurrent.duration.Duration
import scala.concurrent.ExecutionContext.Implicits.global

class OrderBook(prices: Map[String, BigDecimal]) {

  def price(sku: String): BigDecimal = prices.get(sku).get // expect: oc-scala:option-get

  def same(a: Int): Boolean = a == a // expect: oc-scala:self-comparison

  def fetch(sku: String): BigDecimal = {
    val f = Future(price(sku))
    Await.result(f, Duration.Inf) // expect: oc-scala:await-infinite
  }

  def parse(text: String): Int = {
    try {
      text.toInt
    } catch {
      case e: Throwable => 0 // expect: oc-scala:catch-throwable
    }
  }

  def label(total: BigDecimal): String = {
    if (total > 100) "big" else "big" // missed: identical if/else branches
  }

  def isEmpty(items: List[String]): Boolean = items.size == 0 // missed: size == 0 instead of isEmpty

  def describe(kind: String): String = {
    var out = "" // missed: unused local var
    kind.toUpperCase
  }

  def total(items: List[BigDecimal]): BigDecimal = {
    if (items == null) return 0 // expect: oc-scala:return-statement
    items.sum
  }

  def matches(name: String, other: String): Boolean = name eq other // missed: reference equality on strings
}
