//! The periods date filters take: a year, a month or a day, each meaning the whole of it.
//!
//! `--since 1987` keeps articles from 1 January 1987 on; `--until 1987-03` keeps those up to
//! the end of March 1987. Anything else is refused with the accepted forms, never guessed:
//! a date library reading "March 1987" as 19 March 0087 gave silently wrong answers.

use chrono::{Datelike, NaiveDate};

/// A year, a month or a day, as the seconds since the epoch of its first instant and of the
/// first instant after it (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First second of the period.
    pub first: i64,
    /// First second after the period.
    pub after: i64,
}

/// The forms accepted, as error messages list them.
pub const FORMS: &str =
    "use YYYY (1987), YYYY-MM (1987-03), YYYY-MM-DD (1987-03-19) or Month YYYY (March 1987)";

/// Earliest and latest years accepted.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

impl Period {
    /// Reads `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or `Month YYYY` (a month's name or its first
    /// three letters, any case).
    pub fn parse(text: &str) -> Result<Period, String> {
        let text = text.trim();
        let refused = || format!("{text:?} is not a year, month or day: {FORMS}");
        let period = if let Some((month, year)) = text.split_once(char::is_whitespace) {
            let month = month_number(month).ok_or_else(refused)?;
            Period::month(year_number(year.trim()).ok_or_else(refused)?, month)
        } else {
            match text.split('-').collect::<Vec<_>>()[..] {
                [year] => Period::year(year_number(year).ok_or_else(refused)?),
                [year, month] if month.len() == 2 => Period::month(
                    year_number(year).ok_or_else(refused)?,
                    month.parse().map_err(|_| refused())?,
                ),
                [year, month, day] if month.len() == 2 && day.len() == 2 => {
                    let year = year_number(year).ok_or_else(refused)?;
                    let (month, day) = (
                        month.parse().map_err(|_| refused())?,
                        day.parse().map_err(|_| refused())?,
                    );
                    NaiveDate::from_ymd_opt(year, month, day).map(|day| span(day, day.succ_opt()))
                }
                _ => None,
            }
        };
        period.ok_or_else(refused)
    }

    fn year(year: i32) -> Option<Period> {
        let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
        Some(span(first, NaiveDate::from_ymd_opt(year + 1, 1, 1)))
    }

    fn month(year: i32, month: u32) -> Option<Period> {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        };
        Some(span(first, next))
    }
}

/// From the start of `first` to the start of `next` (the end of time when there is none).
fn span(first: NaiveDate, next: Option<NaiveDate>) -> Period {
    let seconds = |day: NaiveDate| {
        day.and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
            .timestamp()
    };
    Period {
        first: seconds(first),
        after: next.map_or(i64::MAX, seconds),
    }
}

/// A four-digit year in [`YEARS`].
fn year_number(text: &str) -> Option<i32> {
    let year: i32 = (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())??;
    YEARS.contains(&year).then_some(year)
}

/// 1 to 12 for a month's English name or its first three letters.
fn month_number(text: &str) -> Option<u32> {
    let lower = text.to_lowercase();
    let lower = lower.trim_end_matches('.');
    MONTHS
        .iter()
        .position(|name| *name == lower || (lower.len() == 3 && name.starts_with(lower)))
        .map(|i| i as u32 + 1)
}

/// The year of a timestamp, for messages and tests.
pub fn year_of(seconds: i64) -> Option<i32> {
    chrono::DateTime::from_timestamp(seconds, 0).map(|t| t.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> i64 {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp()
    }

    #[test]
    fn each_form_means_its_whole_period() {
        let march = Period {
            first: day("1987-03-01"),
            after: day("1987-04-01"),
        };
        assert_eq!(Period::parse("1987-03"), Ok(march));
        assert_eq!(Period::parse("March 1987"), Ok(march));
        assert_eq!(Period::parse("mar 1987"), Ok(march));
        assert_eq!(
            Period::parse("1987"),
            Ok(Period {
                first: day("1987-01-01"),
                after: day("1988-01-01")
            })
        );
        assert_eq!(
            Period::parse("1987-03-19"),
            Ok(Period {
                first: day("1987-03-19"),
                after: day("1987-03-20")
            })
        );
        assert_eq!(
            Period::parse("December 1999").unwrap().after,
            day("2000-01-01")
        );
        assert_eq!(year_of(Period::parse("0087").unwrap().first), Some(87));
    }

    #[test]
    fn anything_else_is_refused_with_the_forms() {
        for text in [
            "",
            "87",
            "19870",
            "1987-3",
            "1987-13",
            "1987-02-30",
            "March",
            "Marc 1987",
            "March 87",
            "3/19/1987",
            "yesterday",
            "1987-03-19T10:00",
            "0000",
        ] {
            let error = Period::parse(text).unwrap_err();
            assert!(
                error.contains("YYYY-MM-DD") && error.contains("March 1987"),
                "{text}: {error}"
            );
        }
    }
}
