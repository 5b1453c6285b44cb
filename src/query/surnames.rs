//! One row per person across the index. Within an article the resolver already reads
//! "Reagan" after "Ronald Reagan" as Ronald Reagan; an article that names only "Reagan"
//! stores the surname alone. Here a surname stored alone joins the one full name the index
//! knows for it, when one full name dominates among those that end with it: the person
//! facet then counts "Reagan" in the row of "Ronald Reagan", and a filter on Ronald Reagan
//! takes the passages that name him "Reagan". Where several full names share the surname
//! and none dominates ("Bush": George Bush and George W Bush), the surname stays apart.
//!
//! A surname alone and the full names ending with it never meet in one article (the
//! resolver would have joined them), so their passages and articles add up exactly.
//!
//! Names of works and bands get no row: within an article the resolver reads "the band
//! Tom Tailor" as no person and stores the name as a work's; a name the index uses as a
//! work's in at least [`WORK_SHARE`] of the articles that name it is taken for a work in
//! every article, even those that give no cue ("featuring Tom Tailor, Jane Doe and Travis").

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::backend::FacetCount;
use crate::error::Result;

/// The share of passages the most named full name needs among all full names that end with
/// a surname to take in that surname named alone: "Tony Blair" (387 passages) takes "Blair"
/// beside "Cherie Blair" (20); two names of like weight keep it apart.
pub const DOMINANT_SHARE: f64 = 0.8;

/// The share of the articles naming a name (as a person or as a work) that must use it as
/// a work's for it to be no person anywhere: a film's or band's name is named without a
/// cue in most articles ("the Harry Potter stars", "featuring Franz Ferdinand and
/// Travis"); a person misread as a work now and then stays a person.
pub const WORK_SHARE: f64 = 0.15;

/// Articles that use a name as a work's that it takes at least: one misread sentence does
/// not unmake a person.
pub const WORK_ARTICLES: u64 = 2;

/// Which surnames stored alone join which full names, and which names are works'.
#[derive(Debug, Default)]
pub struct Surnames {
    /// Surname alone → the full name it joins.
    full_name: HashMap<String, String>,
    /// Full name → the surname alone it takes in.
    alone: HashMap<String, String>,
    /// Person values that name works: no row, no match for a typed name.
    works: HashSet<String>,
}

/// A counted value after joining: the full name's count with its surname's added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    /// The counts, of the full name and its surname alone together.
    pub count: FacetCount,
    /// The surname alone counted in this row (`Reagan` for `Ronald Reagan`).
    pub alone: Option<String>,
}

/// A folded list of counts.
#[derive(Debug, Clone, Default)]
pub struct Folded {
    /// The first `limit` values, most passages first, then most articles, then by value.
    pub values: Vec<Joined>,
    /// Rows that fell away: a surname alone whose full name also occurs, a work's name.
    pub merged: u64,
}

impl Joined {
    /// A count that takes in no surname.
    pub fn plain(count: FacetCount) -> Joined {
        Joined { count, alone: None }
    }
}

impl Surnames {
    /// Works out the joins from every person value of the index that is no work's name
    /// ([`works`]). `passages` gives the passages of each of the values asked for in the
    /// whole index (values it leaves out have none left).
    pub fn of(
        values: &[String],
        works: HashSet<String>,
        passages: impl FnOnce(&[String]) -> Result<HashMap<String, u64>>,
    ) -> Result<Surnames> {
        let values: Vec<&String> = values.iter().filter(|v| !works.contains(*v)).collect();
        let empty = Surnames {
            works,
            ..Surnames::default()
        };
        let alone: Vec<&str> = values
            .iter()
            .map(|v| v.as_str())
            .filter(|v| is_lone_surname(v))
            .collect();
        if alone.is_empty() {
            return Ok(empty);
        }
        let wanted: std::collections::HashSet<&str> = alone.iter().copied().collect();
        let mut by_surname: HashMap<&str, Vec<&str>> = HashMap::default();
        for value in &values {
            if let Some((_, last)) = value.rsplit_once(' ') {
                if wanted.contains(last) {
                    by_surname.entry(last).or_default().push(value);
                }
            }
        }
        if by_surname.is_empty() {
            return Ok(empty);
        }
        let mut asked: Vec<String> = by_surname
            .values()
            .flatten()
            .map(|v| v.to_string())
            .collect();
        asked.extend(by_surname.keys().map(|s| s.to_string()));
        asked.sort();
        let counts = passages(&asked)?;
        let count = |value: &str| counts.get(value).copied().unwrap_or(0);
        let mut surnames = empty;
        for (surname, full_names) in by_surname {
            if count(surname) == 0 {
                continue;
            }
            if let Some(full) = dominant(&full_names, count) {
                surnames.full_name.insert(surname.into(), full.into());
                surnames.alone.insert(full.into(), surname.into());
            }
        }
        Ok(surnames)
    }

    /// Whether no surname joins a full name and no person value is a work's name: the
    /// person facet is then counted as stored.
    pub fn is_empty(&self) -> bool {
        self.full_name.is_empty() && self.works.is_empty()
    }

    /// Whether a person value names a work, and so is no person.
    pub fn is_work(&self, value: &str) -> bool {
        self.works.contains(value)
    }

    /// The full name a surname stored alone joins.
    pub fn full_name(&self, alone: &str) -> Option<&str> {
        self.full_name.get(alone).map(String::as_str)
    }

    /// The surname alone a full name takes in.
    pub fn alone(&self, full_name: &str) -> Option<&str> {
        self.alone.get(full_name).map(String::as_str)
    }

    /// Every joined surname, every full name that takes one and every work's name, sorted.
    pub fn members(&self) -> Vec<String> {
        let mut members: Vec<String> = self
            .full_name
            .iter()
            .flat_map(|(alone, full)| [alone.clone(), full.clone()])
            .chain(self.works.iter().cloned())
            .collect();
        members.sort();
        members
    }

    /// `values` with the surname alone of each full name among them added: what a filter on
    /// those values must take.
    pub fn widen(&self, values: &[String]) -> Vec<String> {
        let mut widened = values.to_vec();
        widened.extend(values.iter().filter_map(|v| self.alone.get(v)).cloned());
        widened.sort();
        widened.dedup();
        widened
    }

    /// Joins the counts of `listed` (the first values of a facet over some passages,
    /// perhaps cut short) with `members`, the exact counts over the same passages of every
    /// member value that occurs there ([`Surnames::members`]); keeps the first `limit`.
    ///
    /// Exact when `listed` holds at least `limit` plus the number of joined surnames and
    /// works' names in `members` values (or every value): each of them dropped from the
    /// list leaves a value in it, and a value left out of `listed` counts no more than its
    /// last.
    pub fn fold(&self, listed: Vec<FacetCount>, members: &[FacetCount], limit: usize) -> Folded {
        let exact: HashMap<&str, &FacetCount> =
            members.iter().map(|c| (c.value.as_str(), c)).collect();
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut values = Vec::new();
        for count in listed {
            if self.full_name.contains_key(&count.value) || self.works.contains(&count.value) {
                continue;
            }
            seen.insert(count.value.clone());
            values.push(self.join(count, &exact));
        }
        let mut merged = members
            .iter()
            .filter(|c| self.works.contains(&c.value))
            .count() as u64;
        for (alone, full) in &self.full_name {
            let (full_count, alone_count) = (exact.get(full.as_str()), exact.get(alone.as_str()));
            if full_count.is_some() && alone_count.is_some() {
                merged += 1;
            }
            if seen.contains(full) {
                continue;
            }
            let base = match (full_count, alone_count) {
                (Some(count), _) => (*count).clone(),
                (None, Some(_)) => FacetCount {
                    value: full.clone(),
                    passages: 0,
                    articles: 0,
                },
                (None, None) => continue,
            };
            values.push(self.join(base, &exact));
        }
        values.sort_by(|a, b| {
            b.count
                .passages
                .cmp(&a.count.passages)
                .then(b.count.articles.cmp(&a.count.articles))
                .then_with(|| a.count.value.cmp(&b.count.value))
        });
        values.truncate(limit);
        Folded { values, merged }
    }

    /// `count` with the counts of the surname alone its value takes in, if any.
    fn join(&self, mut count: FacetCount, exact: &HashMap<&str, &FacetCount>) -> Joined {
        let alone = self.alone.get(&count.value).and_then(|alone| {
            let of_alone = exact.get(alone.as_str())?;
            count.passages += of_alone.passages;
            count.articles += of_alone.articles;
            Some(alone.clone())
        });
        Joined { count, alone }
    }
}

/// Person values that name works across the index.
pub type Works = HashSet<String>;

/// Which of `names` (values stored as works' names) name works across the index: those
/// that `as_work` (articles using each name as a work's) and `as_person` (articles naming
/// it as a person) show used as a work's in at least [`WORK_SHARE`] of their articles and
/// in [`WORK_ARTICLES`] at least.
pub fn works(as_work: &[FacetCount], as_person: &[FacetCount]) -> Works {
    let person: HashMap<&str, u64> = as_person
        .iter()
        .map(|c| (c.value.as_str(), c.articles))
        .collect();
    as_work
        .iter()
        .filter(|work| {
            let person = person.get(work.value.as_str()).copied().unwrap_or(0);
            let all = work.articles + person;
            person > 0
                && work.articles >= WORK_ARTICLES
                && work.articles as f64 >= WORK_SHARE * all as f64
        })
        .map(|work| work.value.clone())
        .collect()
}

/// A person value that is one capitalised word ("Reagan", "O'Brien"), not an initial.
fn is_lone_surname(value: &str) -> bool {
    let mut chars = value.chars();
    chars.next().is_some_and(char::is_uppercase)
        && value.chars().count() >= 2
        && chars.all(|c| c.is_alphabetic() || c == '\'' || c == '-')
}

/// The full name that dominates `full_names` by passages ([`DOMINANT_SHARE`]), if one does.
fn dominant<'a>(full_names: &[&'a str], count: impl Fn(&str) -> u64) -> Option<&'a str> {
    let total: u64 = full_names.iter().map(|name| count(name)).sum();
    let (best, passages) = full_names
        .iter()
        .map(|name| (*name, count(name)))
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))?;
    (passages > 0 && passages as f64 >= DOMINANT_SHARE * total as f64).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surnames(values: &[(&str, u64)]) -> Surnames {
        let names: Vec<String> = values.iter().map(|(v, _)| v.to_string()).collect();
        let counts: HashMap<String, u64> =
            values.iter().map(|(v, c)| (v.to_string(), *c)).collect();
        Surnames::of(&names, HashSet::default(), |asked| {
            Ok(asked
                .iter()
                .filter_map(|a| counts.get(a).map(|c| (a.clone(), *c)))
                .collect())
        })
        .unwrap()
    }

    fn count(value: &str, passages: u64, articles: u64) -> FacetCount {
        FacetCount {
            value: value.into(),
            passages,
            articles,
        }
    }

    #[test]
    fn a_surname_alone_joins_the_full_name_that_dominates() {
        let s = surnames(&[
            ("Reagan", 378),
            ("Ronald Reagan", 50),
            ("Nancy Reagan", 4),
            ("Bush", 23),
            ("George Bush", 40),
            ("George W Bush", 49),
            ("Kohl", 9),
        ]);
        assert_eq!(s.full_name("Reagan"), Some("Ronald Reagan"));
        assert_eq!(s.alone("Ronald Reagan"), Some("Reagan"));
        assert_eq!(s.full_name("Bush"), None, "no full name dominates");
        assert_eq!(s.full_name("Kohl"), None, "no full name known");
        assert_eq!(s.members(), ["Reagan", "Ronald Reagan"]);
        assert_eq!(
            s.widen(&["Ronald Reagan".into(), "Nancy Reagan".into()]),
            ["Nancy Reagan", "Reagan", "Ronald Reagan"]
        );
    }

    #[test]
    fn values_gone_from_the_index_and_initials_join_nothing() {
        let s = surnames(&[("Reagan", 3), ("Ronald Reagan", 0), ("J", 2), ("Ann J", 5)]);
        assert!(s.is_empty(), "{s:?}");
    }

    #[test]
    fn folding_adds_the_surname_to_its_full_name_and_reorders() {
        let s = surnames(&[("Reagan", 378), ("Ronald Reagan", 50), ("Thatcher", 90)]);
        let listed = vec![
            count("Reagan", 378, 300),
            count("Thatcher", 90, 80),
            count("Ronald Reagan", 50, 40),
        ];
        let members = [count("Reagan", 378, 300), count("Ronald Reagan", 50, 40)];
        let folded = s.fold(listed, &members, 10);
        let rows: Vec<_> = folded
            .values
            .iter()
            .map(|j| (j.count.value.as_str(), j.count.passages, j.count.articles))
            .collect();
        assert_eq!(rows, [("Ronald Reagan", 428, 340), ("Thatcher", 90, 80)]);
        assert_eq!(folded.values[0].alone.as_deref(), Some("Reagan"));
        assert_eq!(folded.merged, 1);
    }

    #[test]
    fn a_full_name_cut_from_the_list_comes_back_with_its_surname() {
        let s = surnames(&[("Reagan", 378), ("Ronald Reagan", 50), ("Thatcher", 90)]);
        // The list was cut after two values; Ronald Reagan is known from the members' counts.
        let listed = vec![count("Reagan", 378, 300), count("Thatcher", 90, 80)];
        let members = [count("Reagan", 378, 300), count("Ronald Reagan", 50, 40)];
        let folded = s.fold(listed, &members, 1);
        assert_eq!(folded.values.len(), 1);
        assert_eq!(folded.values[0].count, count("Ronald Reagan", 428, 340));
        // Only the surname occurs: its row carries the full name.
        let folded = s.fold(vec![count("Reagan", 3, 2)], &[count("Reagan", 3, 2)], 5);
        assert_eq!(folded.values[0].count, count("Ronald Reagan", 3, 2));
        assert_eq!(folded.merged, 0);
    }

    #[test]
    fn a_name_used_as_a_work_in_enough_articles_is_a_work_everywhere() {
        let as_work = [
            count("Vera Smith", 9, 4), // 4 of 10 articles
            count("Tom Tailor", 3, 3), // 3 of 18: still a band named mostly without a cue
            count("Ann Lee", 2, 2),    // 2 of 100: a person misread now and then
            count("Jo Bloggs", 1, 1),  // one article decides nothing
            count("The Mill", 2, 2),   // never a person: nothing to drop
        ];
        let as_person = [
            count("Vera Smith", 8, 6),
            count("Tom Tailor", 15, 15),
            count("Ann Lee", 120, 98),
            count("Jo Bloggs", 1, 1),
        ];
        let mut found: Vec<String> = works(&as_work, &as_person).into_iter().collect();
        found.sort();
        assert_eq!(found, ["Tom Tailor", "Vera Smith"]);
    }

    #[test]
    fn a_works_name_gets_no_row_and_takes_in_no_surname() {
        let names: Vec<String> = ["Harry Potter", "Potter", "Ann Lee"]
            .map(String::from)
            .to_vec();
        let counts: HashMap<String, u64> = [("Harry Potter", 15), ("Potter", 4), ("Ann Lee", 3)]
            .map(|(v, c)| (v.to_string(), c))
            .into_iter()
            .collect();
        let works: HashSet<String> = ["Harry Potter".to_string()].into_iter().collect();
        let s = Surnames::of(&names, works, |asked| {
            Ok(asked
                .iter()
                .filter_map(|a| counts.get(a).map(|c| (a.clone(), *c)))
                .collect())
        })
        .unwrap();
        assert_eq!(s.full_name("Potter"), None, "a work's name is no full name");
        assert!(s.is_work("Harry Potter") && !s.is_empty());
        assert_eq!(s.members(), ["Harry Potter"]);
        let listed = vec![
            count("Harry Potter", 15, 11),
            count("Potter", 4, 4),
            count("Ann Lee", 3, 3),
        ];
        let folded = s.fold(listed, &[count("Harry Potter", 15, 11)], 2);
        let rows: Vec<&str> = folded
            .values
            .iter()
            .map(|j| j.count.value.as_str())
            .collect();
        assert_eq!(rows, ["Potter", "Ann Lee"]);
        assert_eq!(folded.merged, 1, "the work's row fell away");
    }
}
