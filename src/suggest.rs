//! "Did you mean …?": the known values nearest to what a user typed, for error messages
//! (`--country Koria`, `--person puttin`, `lede facets contry`).

/// Least likeness (0 to 1) for a value to be suggested.
const MIN_LIKENESS: f64 = 0.7;
/// Suggestions this much less alike than the best one are noise, not alternatives.
const MAX_GAP: f64 = 0.1;
/// A typed word that matches one word of a longer name ("putin" in "Vladimir Putin") counts a
/// little less than a match of the whole name.
const WORD_WEIGHT: f64 = 0.95;

/// How alike `typed` and `known` are, from 0 to 1: one minus the edits (a swapped pair of
/// letters is one edit) relative to the length, over the whole value or, when one word was
/// typed, over the best word of four letters or more of `known`. Both are compared as given:
/// lower-case them first.
pub fn likeness(typed: &str, known: &str) -> f64 {
    let whole = strsim::normalized_damerau_levenshtein(typed, known);
    if typed.contains(char::is_whitespace) {
        return whole;
    }
    let best_word = known
        .split_whitespace()
        .filter(|word| word.chars().count() >= 4)
        .map(|word| strsim::normalized_damerau_levenshtein(typed, word))
        .fold(0.0, f64::max);
    whole.max(best_word * WORD_WEIGHT)
}

/// Up to `max` display names nearest to `typed` among `known` (comparison key, display
/// name) pairs, best first; none when nothing is close. Keys shorter than three characters
/// (codes) are left out: they are alike to everything short.
pub fn nearest<'a>(
    typed: &str,
    known: impl IntoIterator<Item = (&'a str, &'a str)>,
    max: usize,
) -> Vec<String> {
    let typed = typed.trim().to_lowercase();
    let mut scored: Vec<(f64, &str)> = known
        .into_iter()
        .filter(|(key, _)| key.chars().count() >= 3)
        .map(|(key, name)| (likeness(&typed, key), name))
        .filter(|(score, _)| *score >= MIN_LIKENESS)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let best = scored.first().map_or(0.0, |s| s.0);
    let mut names: Vec<String> = Vec::new();
    for (score, name) in scored {
        if names.len() == max || score < best - MAX_GAP {
            break;
        }
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names<'a>(list: &'a [&'a str]) -> Vec<(String, &'a str)> {
        list.iter().map(|n| (n.to_lowercase(), *n)).collect()
    }

    fn suggest(typed: &str, list: &[&str]) -> Vec<String> {
        let known = names(list);
        nearest(typed, known.iter().map(|(k, n)| (k.as_str(), *n)), 3)
    }

    #[test]
    fn typos_of_whole_names_and_of_one_word_are_found() {
        let countries = [
            "North Korea",
            "South Korea",
            "Denmark",
            "Russia",
            "Iran",
            "Suriname",
        ];
        assert_eq!(suggest("Koria", &countries), ["North Korea", "South Korea"]);
        assert_eq!(suggest("Rusia", &countries), ["Russia"]);
        assert_eq!(suggest("north corea", &countries), ["North Korea"]);
        let people = ["Vladimir Putin", "Sergei Shoigu", "Kim Jong Un"];
        assert_eq!(suggest("puttin", &people), ["Vladimir Putin"]);
        assert_eq!(suggest("shoygu", &people), ["Sergei Shoigu"]);
    }

    #[test]
    fn nothing_close_gives_nothing_and_codes_are_left_out() {
        assert!(suggest("zeppelin", &["Russia", "North Korea"]).is_empty());
        assert!(suggest("xx", &["KP", "RU"]).is_empty());
    }

    #[test]
    fn likeness_counts_a_swap_as_one_edit() {
        assert!(likeness("germnay", "germany") > likeness("germnay", "guernsey"));
        assert_eq!(likeness("russia", "russia"), 1.0);
    }
}
