//! Dates, timestamps and intervals as PostgreSQL computes them (proleptic Gregorian calendar,
//! sessions in UTC): input, output, month/day arithmetic, `date_trunc`, `extract` and `to_char`.

mod fields;
mod parse;

use std::fmt;

use crate::sql::replay::guard::errors::{Fail, Res};

pub(crate) use crate::pg::calendar::{civil_from_days, days_from_civil};

pub(crate) use fields::{extract, to_char, trunc};
pub(crate) use parse::{parse_date, parse_interval, parse_timestamp};

pub(crate) const USECS_PER_DAY: i64 = 86_400_000_000;
const USECS_PER_SEC: i64 = 1_000_000;

/// An interval: months, days and microseconds, kept apart as PostgreSQL keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Interval {
    pub months: i32,
    pub days: i32,
    pub micros: i64,
}

impl Interval {
    pub(crate) fn add(self, o: Interval) -> Interval {
        Interval {
            months: self.months.saturating_add(o.months),
            days: self.days.saturating_add(o.days),
            micros: self.micros.saturating_add(o.micros),
        }
    }

    pub(crate) fn neg(self) -> Interval {
        Interval {
            months: -self.months,
            days: -self.days,
            micros: -self.micros,
        }
    }

    /// `interval * factor`, spilling fractions down as `interval_mul` does.
    pub(crate) fn mul(self, f: f64) -> Interval {
        let months = self.months as f64 * f;
        let whole_months = months.trunc();
        let days = self.days as f64 * f + (months - whole_months) * 30.0;
        let whole_days = days.trunc();
        let micros = self.micros as f64 * f + (days - whole_days) * USECS_PER_DAY as f64;
        Interval {
            months: whole_months as i32,
            days: whole_days as i32,
            micros: micros.round() as i64,
        }
    }

    /// Comparison key (`interval_cmp`: 30-day months, 24-hour days).
    pub(crate) fn key(&self) -> i128 {
        self.months as i128 * 30 * USECS_PER_DAY as i128
            + self.days as i128 * USECS_PER_DAY as i128
            + self.micros as i128
    }
}

impl fmt::Display for Interval {
    /// PostgreSQL's default (`postgres`) interval style: `1 year 6 mons 3 days 04:05:06`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        let (y, m) = (self.months / 12, self.months % 12);
        let unit = |n: i64, one: &str, many: &str| {
            format!("{n} {}", if n == 1 || n == -1 { one } else { many })
        };
        if y != 0 {
            parts.push(unit(y as i64, "year", "years"));
        }
        if m != 0 {
            parts.push(unit(m as i64, "mon", "mons"));
        }
        if self.days != 0 {
            parts.push(unit(self.days as i64, "day", "days"));
        }
        if self.micros != 0 || parts.is_empty() {
            let neg = self.micros < 0;
            let t = self.micros.unsigned_abs();
            let secs = t / USECS_PER_SEC as u64;
            let frac = t % USECS_PER_SEC as u64;
            let mut s = format!(
                "{}{:02}:{:02}:{:02}",
                if neg { "-" } else { "" },
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            );
            if frac != 0 {
                let fs = format!("{frac:06}");
                s.push('.');
                s.push_str(fs.trim_end_matches('0'));
            }
            parts.push(s);
        }
        f.write_str(&parts.join(" "))
    }
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

pub(crate) fn date_text(d: i32) -> String {
    let (y, m, dd) = civil_from_days(d as i64);
    if y <= 0 {
        format!("{:04}-{m:02}-{dd:02} BC", 1 - y)
    } else {
        format!("{y:04}-{m:02}-{dd:02}")
    }
}

pub(crate) fn ts_text(t: i64) -> String {
    let days = t.div_euclid(USECS_PER_DAY);
    let rest = t.rem_euclid(USECS_PER_DAY);
    let secs = rest / USECS_PER_SEC;
    let frac = rest % USECS_PER_SEC;
    let mut s = format!(
        "{} {:02}:{:02}:{:02}",
        date_text(days as i32),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if frac != 0 {
        let fs = format!("{frac:06}");
        s.push('.');
        s.push_str(fs.trim_end_matches('0'));
    }
    s
}

/// `timestamp + interval`: months first (clamping the day), then days, then time.
pub(crate) fn ts_add(t: i64, i: Interval) -> Res<i64> {
    let mut days = t.div_euclid(USECS_PER_DAY);
    let time = t.rem_euclid(USECS_PER_DAY);
    if i.months != 0 {
        let (y, m, d) = civil_from_days(days);
        let total = y * 12 + (m as i64 - 1) + i.months as i64;
        let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
        days = days_from_civil(ny, nm, d.min(days_in_month(ny, nm)));
    }
    days += i.days as i64;
    days.checked_mul(USECS_PER_DAY)
        .and_then(|d| d.checked_add(time))
        .and_then(|x| x.checked_add(i.micros))
        .ok_or_else(|| Fail::pg("datetime_field_overflow", "timestamp out of range"))
}

/// `timestamp - timestamp` (`timestamp_mi`: days and time, no months).
pub(crate) fn ts_diff(a: i64, b: i64) -> Interval {
    let d = a - b;
    Interval {
        months: 0,
        days: (d / USECS_PER_DAY) as i32,
        micros: d % USECS_PER_DAY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        for d in [-800_000i64, -1, 0, 1, 19_000, 20_000, 2_000_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(date_text(0), "1970-01-01");
    }

    #[test]
    fn month_arithmetic_clamps() {
        let jan31 = days_from_civil(2024, 1, 31) * USECS_PER_DAY;
        let one_month = parse_interval("1 month").unwrap();
        assert_eq!(
            ts_text(ts_add(jan31, one_month).unwrap()),
            "2024-02-29 00:00:00"
        );
        assert_eq!(
            parse_interval("18 months").unwrap().to_string(),
            "1 year 6 mons"
        );
        assert_eq!(
            parse_interval("1 day 02:03:04.5").unwrap().to_string(),
            "1 day 02:03:04.5"
        );
    }

    #[test]
    fn to_char_patterns() {
        let t = days_from_civil(2024, 5, 1) * USECS_PER_DAY + 13 * 3_600_000_000;
        assert_eq!(to_char(t, "YYYYMM").unwrap(), "202405");
        assert_eq!(
            to_char(t, "YYYY_MM_DD HH24:MI").unwrap(),
            "2024_05_01 13:00"
        );
        assert_eq!(to_char(t, "Mon FMDD").unwrap(), "May 1");
        assert_eq!(to_char(t, "\"y\"YYYY\"q\"Q").unwrap(), "y2024q2");
    }

    #[test]
    fn timestamps_parse() {
        let (t, tz) = parse_timestamp("2024-05-01 00:00:00+02", 0).unwrap();
        assert!(tz);
        assert_eq!(ts_text(t), "2024-04-30 22:00:00");
        assert_eq!(
            trunc("month", t).map(ts_text).unwrap(),
            "2024-04-01 00:00:00"
        );
    }
}
