package com.example.orders;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

public class OrderReader {

    private static final Logger LOG = Logger.getLogger(OrderReader.class.getName());

    private final Map<String, Integer> stock;

    public OrderReader(Map<String, Integer> stock) {
        this.stock = Objects.requireNonNull(stock);
    }

    public String firstLine(Path path) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return reader.readLine();
        }
    }

    public boolean sameCustomer(String current, String previous) {
        return Objects.equals(current, previous);
    }

    public int total(List<Integer> amounts) {
        int sum = 0;
        for (int amount : amounts) {
            sum += amount;
        }
        return sum;
    }

    public double averagePerItem(int total, int items) {
        if (items == 0) {
            return 0.0;
        }
        return (double) total / items;
    }

    public int reserved(String sku) {
        Integer count = stock.get(sku);
        if (count == null) {
            return 0;
        }
        return count;
    }

    public boolean reload(Path path) {
        try {
            return firstLine(path) != null;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot reload " + path, e);
            return false;
        }
    }

    public int discount(int level) {
        return Math.max(0, level) * 5;
    }
}
