package shop.orders

import scala.concurrent.{Await, Future}
import scala.concurrent.duration.Duration
import scala.concurrent.ExecutionContext.Implicits.global

class OrderBook(prices: Map[String, BigDecimal]) {

  def price(sku: String): BigDecimal = prices.get(sku).get // missed: Option.get (option-get is off by default: most .get calls in real code rest on invariants kept elsewhere)

  def same(a: Int): Boolean = a == a // expect: oc-scala:self-comparison

  def fetch(sku: String): BigDecimal = {
    val f = Future(price(sku))
    Await.result(f, Duration.Inf) // missed: infinite Await (await-infinite is off by default: shutdown hooks and build tools wait on purpose)
  }

  def parse(text: String): Int = {
    try {
      text.toInt
    } catch {
      case e: Throwable => 0 // expect: oc-scala:catch-all-default
    }
  }

  def label(total: BigDecimal): String = {
    if (total > 100) "big" else "big" // expect: oc-scala:identical-branches
  }

  def isEmpty(items: List[String]): Boolean = items.size == 0 // missed: size == 0 (size-compared-to-zero is off by default: on strings and arrays it is only style)

  def describe(kind: String): String = {
    var out = "" // expect: oc-scala:unused-local
    kind.toUpperCase
  }

  def firstLarge(items: List[BigDecimal]): BigDecimal = {
    items.foreach { i => if (i > 100) return i } // expect: oc-scala:return-statement
    0
  }

  def parts(version: String): Array[String] = version.split(".") // expect: oc-scala:regex-metachar-literal

  def matches(name: String, other: String): Boolean = name eq other // expect: oc-scala:string-reference-equality
}
