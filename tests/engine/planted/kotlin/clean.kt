package com.example.billing

import java.io.File
import java.io.IOException

class InvoiceCalculator(private val rates: Map<String, Double>) {

    fun total(lines: List<Double>, discount: Double): Double {
        val gross = lines.sum()
        return gross - gross * discount
    }

    fun label(amount: Double): String {
        return if (amount > 1000) {
            "large"
        } else {
            "small"
        }
    }

    fun rate(code: String): Double = rates[code] ?: 1.0

    fun load(path: String): String? {
        return try {
            File(path).readText()
        } catch (e: IOException) {
            null
        }
    }

    fun describe(kind: String): String {
        if (kind.isBlank()) {
            return "unknown"
        }
        return kind.uppercase()
    }

    fun export(path: String, rows: List<String>) {
        File(path).writeText(rows.joinToString("\n"))
    }

    fun parse(text: String): Int {
        val value = text.toIntOrNull() ?: return 0
        return value + 1
    }
}
