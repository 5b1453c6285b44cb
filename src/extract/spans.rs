//! Mentions that do not overlap, in text order, searched by binary search.
//!
//! The name rules ask, word after word, which gazetteer mention lies around the word or
//! which organisation a name would overlap. Scanning every mention for each question made
//! extraction grow with the square of a paragraph's length; gazetteer matches, the
//! organisations and the people found do not overlap, so one binary search answers it.

use std::borrow::Borrow;

use super::Mention;

/// Mentions (or references to them) sorted by start, none overlapping another.
#[derive(Debug)]
pub(super) struct Disjoint<'m, M = Mention>(&'m [M]);

impl<M> Clone for Disjoint<'_, M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Disjoint<'_, M> {}

impl<'m, M: Borrow<Mention>> Disjoint<'m, M> {
    /// Wraps mentions that are sorted by start and do not overlap.
    pub(super) fn new(mentions: &'m [M]) -> Disjoint<'m, M> {
        debug_assert!(
            mentions
                .windows(2)
                .all(|pair| pair[0].borrow().end <= pair[1].borrow().start),
            "mentions overlap or are out of order"
        );
        Disjoint(mentions)
    }

    /// The mention that contains the bytes `start..end` (a non-empty span), if one does.
    pub(super) fn containing(&self, start: usize, end: usize) -> Option<&'m Mention> {
        debug_assert!(start < end, "an empty span");
        self.first_ending_after(start)
            .filter(|m| m.start <= start && end <= m.end)
    }

    /// The mention over exactly the bytes `start..end`, if there is one.
    pub(super) fn exactly(&self, start: usize, end: usize) -> Option<&'m Mention> {
        self.containing(start, end)
            .filter(|m| m.start == start && m.end == end)
    }

    /// Whether a mention overlaps the bytes `start..end`.
    pub(super) fn overlap(&self, start: usize, end: usize) -> bool {
        self.first_ending_after(start)
            .is_some_and(|m| m.start < end)
    }

    /// The first mention that ends after byte `at`. Sorted, disjoint mentions end in order,
    /// and no later one starts at or before `at`: it is the only one that may contain `at`
    /// or overlap a span from `at`.
    fn first_ending_after(&self, at: usize) -> Option<&'m Mention> {
        let i = self.0.partition_point(|m| m.borrow().end <= at);
        self.0.get(i).map(Borrow::borrow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(ranges: &[(usize, usize)]) -> Vec<Mention> {
        ranges
            .iter()
            .map(|&(start, end)| Mention {
                start,
                end,
                readings: Vec::new(),
            })
            .collect()
    }

    /// Every answer is the one a scan of all mentions gives.
    #[test]
    fn binary_search_agrees_with_a_scan() {
        let mentions = spans(&[(0, 3), (4, 9), (9, 12), (20, 25)]);
        let disjoint = Disjoint::new(&mentions);
        for start in 0..27 {
            for end in start + 1..28 {
                let containing = mentions.iter().find(|m| m.start <= start && end <= m.end);
                let overlap = mentions.iter().any(|m| m.start < end && start < m.end);
                assert_eq!(disjoint.containing(start, end), containing);
                assert_eq!(disjoint.overlap(start, end), overlap, "{start}..{end}");
                let exact = containing.filter(|m| m.start == start && m.end == end);
                assert_eq!(disjoint.exactly(start, end), exact);
            }
        }
        assert!(Disjoint::<Mention>::new(&[]).containing(0, 1).is_none());
        let references: Vec<&Mention> = mentions.iter().collect();
        assert_eq!(
            Disjoint::new(&references).containing(5, 7),
            Some(&mentions[1])
        );
    }
}
