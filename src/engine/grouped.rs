//! Items filed under small integer keys (a lexicon, say), in one buffer.
//!
//! A score files a few hundred cue and slot hits under some two hundred
//! lexicons. A `Vec` for each key grew one allocation at a time and was a
//! visible part of every score (issue 22); counting the keys first and placing
//! every item once takes two passes and two allocations, whatever the keys.

use std::ops::Range;

/// Items grouped by key, each group in the order its items were given.
#[derive(Debug, Clone, Default)]
pub struct Grouped<T> {
    /// Group `k` is `items[starts[k]..starts[k + 1]]`.
    starts: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy> Grouped<T> {
    /// Files each `(key, item)` under its key; every key is below `keys`.
    pub fn new(keys: usize, keyed: &[(usize, T)]) -> Grouped<T> {
        let mut starts = vec![0u32; keys + 1];
        for &(key, _) in keyed {
            starts[key + 1] += 1;
        }
        for key in 0..keys {
            starts[key + 1] += starts[key];
        }
        // Each group's start serves as its cursor while items are placed, and
        // ends at the next group's start: shifted up one, it is the start again.
        let mut items: Vec<T> = keyed.iter().map(|&(_, item)| item).collect();
        for &(key, item) in keyed {
            items[starts[key] as usize] = item;
            starts[key] += 1;
        }
        starts.copy_within(0..keys, 1);
        starts[0] = 0;
        Grouped { starts, items }
    }

    /// The items filed under `key`, in the order given.
    pub fn get(&self, key: usize) -> &[T] {
        &self.items[self.range(key)]
    }

    fn range(&self, key: usize) -> Range<usize> {
        self.starts[key] as usize..self.starts[key + 1] as usize
    }
}

#[cfg(test)]
mod tests {
    use super::Grouped;

    #[test]
    fn groups_keep_the_order_items_came_in() {
        let keyed = [(2, 'a'), (0, 'b'), (2, 'c'), (3, 'd'), (0, 'e')];
        let grouped = Grouped::new(5, &keyed);
        assert_eq!(grouped.get(0), ['b', 'e']);
        assert_eq!(grouped.get(1), [] as [char; 0]);
        assert_eq!(grouped.get(2), ['a', 'c']);
        assert_eq!(grouped.get(3), ['d']);
        assert_eq!(grouped.get(4), [] as [char; 0]);
    }

    #[test]
    fn nothing_filed_gives_empty_groups() {
        let grouped: Grouped<u8> = Grouped::new(3, &[]);
        assert!((0..3).all(|key| grouped.get(key).is_empty()));
    }
}
