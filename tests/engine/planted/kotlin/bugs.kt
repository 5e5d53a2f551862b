package com.example.billing

import java.io.File

class InvoiceService(private val rates: Map<String, Double>) {

    fun total(lines: List<Double>): Double {
        val discount = 0.1 // expect: oc-kotlin:unused-local-variable
        return lines.sum()
    }

    fun label(amount: Double): String {
        return if (amount > 1000) /* expect: oc-kotlin:identical-branches */ {
            "large"
        } else {
            "large"
        }
    }

    fun rate(code: String): Double {
        return rates[code]!! // missed: !! on a map lookup (not-null-assertion is off by default: mostly deliberate)
    }

    fun load(path: String): String {
        try {
            return File(path).readText()
        } catch (e: Exception) {} // missed: empty catch (empty-catch is off by default: apps swallow best-effort reads and failed writes alike)
        return ""
    }

    fun same(a: Int): Boolean = a == a // expect: oc-kotlin:self-comparison

    fun describe(kind: String): String {
        if (kind == "x") {} // expect: oc-kotlin:empty-if-body
        return kind.uppercase()
    }

    fun export(path: String, rows: List<String>) {
        rows.sorted() // expect: oc-kotlin:ignored-copy-result
        File(path).writeText(rows.joinToString("\n"))
    }

    fun archive(path: String) {
        TODO("archive $path") // missed: TODO() reached at run time (todo-call is off by default: staged-work placeholders read alike)
    }

    fun parse(text: String): Int {
        val value = text.toIntOrNull() ?: return 0
        return value
        println("parsed $value") // expect: oc-kotlin:unreachable-code
    }

    fun retry(path: String): String? {
        return try {
            File(path).readText()
        } catch (e: java.io.IOException) {
            e.printStackTrace() // expect: oc-kotlin:print-stack-trace
            null
        }
    }
}
