use std::collections::HashMap;
use std::fs::File;
use std::io::Read;

pub struct Inventory {
    counts: HashMap<String, u32>,
}

impl Inventory {
    pub fn load(path: &str) -> Inventory {
        let mut text = String::new();
        File::open(path).unwrap().read_to_string(&mut text).unwrap(); // expect: oc-rust:unwrap-external-input
        let mut counts = HashMap::new();
        for line in text.lines() {
            counts.insert(line.to_string(), 0);
        }
        Inventory { counts }
    }

    pub fn same(&self, a: u32) -> bool {
        a == a // expect: oc-rust:self-comparison
    }

    pub fn restock(&mut self, sku: &str) {
        let count = self.counts.get(sku).unwrap(); // missed: unwrap on a map lookup that may be absent
        self.counts.insert(sku.to_string(), count + 1);
    }

    pub fn wait_ready(&self) {
        loop {} // expect: oc-rust:empty-loop
    }

    pub fn total(&self) -> u32 {
        let values: Vec<u32> = self.counts.values().copied().collect();
        let mut sum = 0;
        for i in 0..values.len() { // expect: oc-rust:needless-range-loop
            sum += values[i];
        }
        dbg!(sum) // expect: oc-rust:dbg-macro
    }

    pub fn first_sku(&self) -> String {
        let keys: Vec<&String> = self.counts.keys().collect();
        unsafe { keys.get_unchecked(0).to_string() } // expect: oc-rust:unchecked-access
    }

    pub fn ratio(&self, part: f64, whole: f64) -> bool {
        part / whole == 0.5 // expect: oc-rust:float-equality
    }

    pub fn archive(&self) {
        todo!() // missed: todo!() left in production code (rule off by default: noise on examples and probes)
    }

    pub fn is_empty(&self) -> bool {
        self.counts.len() == 0 // missed: len() == 0 instead of is_empty() (oc-rust:len-zero is off by default: iterators have no stable is_empty)
    }
}
