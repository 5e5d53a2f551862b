use std::collections::HashMap;
use std::fs;
use std::io;

pub struct Stock {
    counts: HashMap<String, u32>,
}

impl Stock {
    pub fn load(path: &str) -> io::Result<Stock> {
        let text = fs::read_to_string(path)?;
        let counts = text.lines().map(|line| (line.to_string(), 0)).collect();
        Ok(Stock { counts })
    }

    pub fn restock(&mut self, sku: &str) {
        *self.counts.entry(sku.to_string()).or_insert(0) += 1;
    }

    pub fn total(&self) -> u32 {
        self.counts.values().sum()
    }

    pub fn first_sku(&self) -> Option<&String> {
        self.counts.keys().next()
    }

    pub fn ratio_is_half(&self, part: f64, whole: f64) -> bool {
        (part / whole - 0.5).abs() < f64::EPSILON
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.counts.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
}
