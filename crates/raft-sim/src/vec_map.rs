//! A map kept as one sorted `Vec` of pairs.
//!
//! The simulator's maps are small (links, clients, in-flight messages) or grow at their
//! end (terms, log indexes, request numbers), so a sorted vector is as fast as a B-tree
//! here, clones with one allocation (the timeline clones the world for its snapshots),
//! and costs a fraction of the code: every `BTreeMap<K, V>` instantiation adds some
//! kilobytes to the browser's wasm.

use alloc::vec::Vec;

/// A sorted-vector map: lookups by binary search, inserts and removals shift the tail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VecMap<K, V> {
    items: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap { items: Vec::new() }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    fn find(&self, key: &K) -> Result<usize, usize> {
        // Keys usually arrive in increasing order: check the end first.
        match self.items.last() {
            Some((last, _)) if last < key => Err(self.items.len()),
            _ => self.items.binary_search_by(|(k, _)| k.cmp(key)),
        }
    }

    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        self.find(key)
            .ok()
            .and_then(|i| self.items.get(i))
            .map(|(_, v)| v)
    }

    pub(crate) fn contains_key(&self, key: &K) -> bool {
        self.find(key).is_ok()
    }

    /// Inserts or replaces; returns the value replaced.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => self
                .items
                .get_mut(i)
                .map(|(_, v)| core::mem::replace(v, value)),
            Err(i) => {
                self.insert_at(i, key, value);
                None
            }
        }
    }

    /// The value at `key`, inserting `value` first if there is none.
    pub(crate) fn get_or_insert(&mut self, key: K, value: V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => self.insert_at(i, key, value),
        };
        &mut self.items[i].1
    }

    /// Inserts at `i` (from `find`, so at most the length); returns where it went.
    fn insert_at(&mut self, i: usize, key: K, value: V) -> usize {
        // `min` tells the compiler what `find` guarantees, so that `insert` keeps no
        // panic path.
        let i = i.min(self.items.len());
        self.items.insert(i, (key, value));
        i
    }

    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        // `i < len` is what `find` guarantees; checking it drops `remove`'s panic path.
        match self.find(key) {
            Ok(i) if i < self.items.len() => Some(self.items.remove(i).1),
            _ => None,
        }
    }

    /// Pairs in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&K, &V)> + '_ {
        self.items.iter().map(|(k, v)| (k, v))
    }

    /// Values in key order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &V> + '_ {
        self.items.iter().map(|(_, v)| v)
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }
}

#[cfg(test)]
mod tests {
    use super::VecMap;
    use alloc::collections::BTreeMap;
    use alloc::vec::Vec;

    #[test]
    fn behaves_like_a_btree_map_under_a_mixed_sequence() {
        // A small deterministic LCG drives inserts, removals, lookups and get_or_insert.
        let mut state: u64 = 7;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as u32
        };
        let mut ours: VecMap<u32, u32> = VecMap::new();
        let mut model: BTreeMap<u32, u32> = BTreeMap::new();
        for step in 0..20_000u32 {
            let key = next() % 200;
            match next() % 5 {
                0 | 1 => assert_eq!(ours.insert(key, step), model.insert(key, step)),
                2 => assert_eq!(ours.remove(&key), model.remove(&key)),
                3 => {
                    *ours.get_or_insert(key, step) += 1;
                    *model.entry(key).or_insert(step) += 1;
                }
                _ => {
                    assert_eq!(ours.get(&key), model.get(&key));
                    assert_eq!(ours.contains_key(&key), model.contains_key(&key));
                }
            }
            assert_eq!(ours.len(), model.len());
        }
        let a: Vec<(u32, u32)> = ours.iter().map(|(k, v)| (*k, *v)).collect();
        let b: Vec<(u32, u32)> = model.iter().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(a, b);
        assert!(ours.values().copied().eq(model.values().copied()));
    }
}
