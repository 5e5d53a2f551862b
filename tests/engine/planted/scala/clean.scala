package shop.orders

import scala.concurrent.{Await, Future}
import scala.concurrent.duration._
import scala.concurrent.ExecutionContext.Implicits.global
import scala.util.control.NonFatal

class PriceList(prices: Map[String, BigDecimal]) {

  def price(sku: String): BigDecimal = prices.getOrElse(sku, BigDecimal(0))

  def fetch(sku: String): BigDecimal = {
    val f = Future(price(sku))
    Await.result(f, 5.seconds)
  }

  def parse(text: String): Int = {
    try {
      text.toInt
    } catch {
      case NonFatal(_) => 0
    }
  }

  def label(total: BigDecimal): String = if (total > 100) "big" else "small"

  def isEmpty(items: List[String]): Boolean = items.isEmpty

  def describe(kind: String): String = kind.toUpperCase

  def total(items: List[BigDecimal]): BigDecimal = items.sum

  def matches(name: String, other: String): Boolean = name == other
}
