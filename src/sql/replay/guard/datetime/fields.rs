//! `date_trunc`, `extract` and `to_char`.

use crate::pg::calendar::{civil_from_days, days_from_civil};

use crate::sql::replay::guard::errors::{Fail, Res};

use super::{USECS_PER_DAY, USECS_PER_SEC};

/// `date_trunc(field, timestamp)`.
pub(crate) fn trunc(field: &str, t: i64) -> Res<i64> {
    let days = t.div_euclid(USECS_PER_DAY);
    let time = t.rem_euclid(USECS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    let day = |y, m, d| days_from_civil(y, m, d) * USECS_PER_DAY;
    Ok(match field.to_ascii_lowercase().as_str() {
        "millennium" => day(((y - 1) / 1000) * 1000 + 1, 1, 1),
        "century" => day(((y - 1) / 100) * 100 + 1, 1, 1),
        "decade" => day(y - y.rem_euclid(10), 1, 1),
        "year" => day(y, 1, 1),
        "quarter" => day(y, (m - 1) / 3 * 3 + 1, 1),
        "month" => day(y, m, 1),
        "week" => {
            // Monday of the ISO week.
            let dow = (days + 3).rem_euclid(7);
            (days - dow) * USECS_PER_DAY
        }
        "day" => day(y, m, d),
        "hour" => days * USECS_PER_DAY + time / 3_600_000_000 * 3_600_000_000,
        "minute" => days * USECS_PER_DAY + time / 60_000_000 * 60_000_000,
        "second" => days * USECS_PER_DAY + time / USECS_PER_SEC * USECS_PER_SEC,
        "milliseconds" => days * USECS_PER_DAY + time / 1000 * 1000,
        "microseconds" => t,
        other => {
            return Err(Fail::pg(
                "invalid_parameter_value",
                format!("unit \"{other}\" not recognized for type timestamp"),
            ))
        }
    })
}

/// `extract(field from timestamp)`.
pub(crate) fn extract(field: &str, t: i64) -> Res<f64> {
    let days = t.div_euclid(USECS_PER_DAY);
    let time = t.rem_euclid(USECS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    Ok(match field.to_ascii_lowercase().as_str() {
        "year" => y as f64,
        "month" => m as f64,
        "day" => d as f64,
        "quarter" => ((m - 1) / 3 + 1) as f64,
        "hour" => (time / 3_600_000_000) as f64,
        "minute" => (time / 60_000_000 % 60) as f64,
        "second" => (time % 60_000_000) as f64 / 1e6,
        "dow" => (days + 4).rem_euclid(7) as f64,
        "isodow" => ((days + 3).rem_euclid(7) + 1) as f64,
        "doy" => (days - days_from_civil(y, 1, 1) + 1) as f64,
        "epoch" => t as f64 / 1e6,
        "decade" => y.div_euclid(10) as f64,
        "century" => ((y - 1) / 100 + 1) as f64,
        "week" => iso_week(days).1 as f64,
        "isoyear" => iso_week(days).0 as f64,
        other => {
            return Err(Fail::pg(
                "invalid_parameter_value",
                format!("unit \"{other}\" not recognized for type timestamp"),
            ))
        }
    })
}

/// ISO year and week of a day.
fn iso_week(days: i64) -> (i64, i64) {
    let dow = (days + 3).rem_euclid(7); // Monday = 0
    let thursday = days - dow + 3;
    let (y, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(y, 1, 1)) / 7 + 1;
    (y, week)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// `to_char(timestamp, format)` for the common patterns (`YYYY`, `MM`, `DD`, `HH24`, `MI`, `SS`,
/// `Mon`, `Month`, `Day`, `Q`, `IW`, `WW`, `FM` prefix, quoted text).
pub(crate) fn to_char(t: i64, fmt: &str) -> Res<String> {
    let days = t.div_euclid(USECS_PER_DAY);
    let time = t.rem_euclid(USECS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s) = (
        time / 3_600_000_000,
        time / 60_000_000 % 60,
        time / USECS_PER_SEC % 60,
    );
    let dow = (days + 4).rem_euclid(7) as usize;
    let doy = days - days_from_civil(y, 1, 1) + 1;
    let (iso_y, iso_w) = iso_week(days);
    let mut out = String::new();
    let b = fmt.as_bytes();
    let mut i = 0;
    let mut fm = false;
    while i < b.len() {
        let rest = &fmt[i..];
        let starts = |p: &str| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
        let num = |n: i64, w: usize, fm: bool| {
            if fm {
                n.to_string()
            } else {
                format!("{n:0w$}")
            }
        };
        let cased = |word: &str, pat: &str, pad: usize, fm: bool| {
            let s = if pat.chars().nth(1).is_some_and(|c| c.is_ascii_uppercase()) {
                word.to_uppercase()
            } else if pat.starts_with(|c: char| c.is_ascii_lowercase()) {
                word.to_lowercase()
            } else {
                word.to_string()
            };
            if fm {
                s
            } else {
                format!("{s:<pad$}")
            }
        };
        if starts("FM") {
            fm = true;
            i += 2;
            continue;
        }
        let (piece, len) = if rest.starts_with('"') {
            let end = rest
                .strip_prefix('"')
                .and_then(|r| r.find('"'))
                .map_or(rest.len(), |e| e + 2);
            (rest[1..end.saturating_sub(1).max(1)].to_string(), end)
        } else if starts("YYYY") {
            (num(y, 4, fm), 4)
        } else if starts("IYYY") {
            (num(iso_y, 4, fm), 4)
        } else if starts("YYY") {
            (num(y % 1000, 3, fm), 3)
        } else if starts("YY") {
            (num(y % 100, 2, fm), 2)
        } else if starts("HH24") {
            (num(h, 2, fm), 4)
        } else if starts("HH12") {
            (num((h + 11) % 12 + 1, 2, fm), 4)
        } else if starts("HH") {
            (num((h + 11) % 12 + 1, 2, fm), 2)
        } else if starts("MI") {
            (num(mi, 2, fm), 2)
        } else if starts("SS") {
            (num(s, 2, fm), 2)
        } else if starts("MS") {
            (num(time / 1000 % 1000, 3, fm), 2)
        } else if starts("US") {
            (num(time % USECS_PER_SEC, 6, fm), 2)
        } else if starts("AM") || starts("PM") {
            (if h < 12 { "AM" } else { "PM" }.to_string(), 2)
        } else if starts("MONTH") {
            (cased(MONTHS[m as usize - 1], &rest[..5], 9, fm), 5)
        } else if starts("MON") {
            (cased(&MONTHS[m as usize - 1][..3], &rest[..3], 3, true), 3)
        } else if starts("MM") {
            (num(m as i64, 2, fm), 2)
        } else if starts("DAY") {
            (cased(DAYS[dow], &rest[..3], 9, fm), 3)
        } else if starts("DY") {
            (cased(&DAYS[dow][..3], &rest[..2], 3, true), 2)
        } else if starts("DDD") {
            (num(doy, 3, fm), 3)
        } else if starts("DD") {
            (num(d as i64, 2, fm), 2)
        } else if starts("D") {
            ((dow + 1).to_string(), 1)
        } else if starts("IW") {
            (num(iso_w, 2, fm), 2)
        } else if starts("WW") {
            (num((doy - 1) / 7 + 1, 2, fm), 2)
        } else if starts("Q") {
            (((m - 1) / 3 + 1).to_string(), 1)
        } else if starts("J") {
            ((days + 2_440_588).to_string(), 1)
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            if c.is_ascii_alphabetic() && !matches!(c, 'T' | 't') {
                return Err(Fail::unknown(format!(
                    "to_char() pattern at \"{rest}\" is not evaluated"
                )));
            }
            (c.to_string(), c.len_utf8())
        };
        out.push_str(&piece);
        i += len;
    }
    Ok(out)
}
