package com.example.orders;

import java.io.BufferedReader;
import java.io.FileReader;
import java.io.IOException;
import java.util.List;
import java.util.Map;

public class OrderImporter {

    private final Map<String, Integer> stock;

    public OrderImporter(Map<String, Integer> stock) {
        this.stock = stock;
    }

    public String firstLine(String path) throws IOException {
        BufferedReader reader = new BufferedReader(new FileReader(path)); // expect: oc-java:unclosed-reader
        return reader.readLine();
    }

    public boolean sameCustomer(String current, String previous) {
        return current == previous; // expect: oc-java:string-reference-equality
    }

    public int total(List<Integer> amounts) {
        int sum = 0;
        for (int i = 0; i < amounts.size(); i--) { // expect: oc-java:decrement-in-increasing-loop
            sum += amounts.get(i);
        }
        return sum;
    }

    public double averagePerItem(int total, int items) {
        double average = total / items; // expect: oc-java:integer-division-to-floating
        return average;
    }

    public int reserved(String sku) {
        Integer count = stock.get(sku);
        if (count == null) {
            return count.intValue(); // expect: oc-java:dereference-after-null-check
        }
        return count;
    }

    public boolean isEmptyOrder(String id) {
        return id.equals(null); // expect: oc-java:equals-null
    }

    public void reload(String path) {
        try {
            firstLine(path);
        } catch (IOException e) {} // expect: oc-java:empty-catch
    }

    public boolean unchanged(int a) {
        return a == a; // expect: oc-java:self-comparison
    }

    public int discount(int level) {
        try {
            return level * 5;
        } finally {
            return 0; // expect: oc-java:return-in-finally
        }
    }
}
