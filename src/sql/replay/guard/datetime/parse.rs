//! Input of dates, timestamps and intervals, as PostgreSQL reads them.

use crate::pg::calendar::days_from_civil;

use super::{days_in_month, Interval, USECS_PER_DAY, USECS_PER_SEC};

/// Parses date input (`2024-05-01`, `20240501`, `today`…). `now` is the session's clock.
pub(crate) fn parse_date(s: &str, now: i64) -> Option<i32> {
    parse_timestamp(s, now).map(|(t, _)| t.div_euclid(USECS_PER_DAY) as i32)
}

/// Parses timestamp input; returns microseconds (UTC when a zone was given) and whether a zone
/// was given.
pub(crate) fn parse_timestamp(s: &str, now: i64) -> Option<(i64, bool)> {
    let t = s.trim().to_ascii_lowercase();
    let today = now.div_euclid(USECS_PER_DAY) * USECS_PER_DAY;
    match t.as_str() {
        "now" => return Some((now, true)),
        "today" => return Some((today, false)),
        "tomorrow" => return Some((today + USECS_PER_DAY, false)),
        "yesterday" => return Some((today - USECS_PER_DAY, false)),
        "epoch" => return Some((0, false)),
        "infinity" => return Some((i64::MAX, false)),
        "-infinity" => return Some((i64::MIN, false)),
        _ => {}
    }
    let (date_part, rest) = match t.find([' ', 't']) {
        Some(i) => (&t[..i], t[i + 1..].trim()),
        None => (t.as_str(), ""),
    };
    let (y, m, d) = if date_part.len() == 8 && date_part.bytes().all(|b| b.is_ascii_digit()) {
        (
            date_part[..4].parse().ok()?,
            date_part[4..6].parse().ok()?,
            date_part[6..].parse().ok()?,
        )
    } else {
        let mut it = date_part.split(['-', '/']);
        let y: i64 = it.next()?.parse().ok()?;
        let m: u32 = it.next()?.parse().ok()?;
        let d: u32 = it.next()?.parse().ok()?;
        if it.next().is_some() {
            return None;
        }
        (y, m, d)
    };
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    let mut micros = days_from_civil(y, m, d) * USECS_PER_DAY;
    if rest.is_empty() {
        return Some((micros, false));
    }
    // hh:mm[:ss[.ffffff]] then an optional zone: `+00`, `+02:00`, `-0530`, `z`, `utc`.
    let zone_at = rest.find(['+', '-', 'z', 'u']).unwrap_or(rest.len());
    let (time, zone) = rest.split_at(zone_at);
    let mut hms = time.trim().split(':');
    let h: i64 = hms.next()?.trim().parse().ok()?;
    let mi: i64 = hms.next().unwrap_or("0").parse().ok()?;
    let sec: f64 = hms.next().unwrap_or("0").parse().ok()?;
    if h > 24 || mi > 59 || sec >= 61.0 {
        return None;
    }
    micros += h * 3_600 * USECS_PER_SEC + mi * 60 * USECS_PER_SEC;
    micros += (sec * USECS_PER_SEC as f64).round() as i64;
    let zone = zone.trim();
    if zone.is_empty() {
        return Some((micros, false));
    }
    if zone == "z" || zone == "utc" {
        return Some((micros, true));
    }
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let digits: String = zone[1..].chars().filter(|c| c.is_ascii_digit()).collect();
    let (zh, zm) = match digits.len() {
        1 | 2 => (digits.parse::<i64>().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    Some((micros - sign * (zh * 3_600 + zm * 60) * USECS_PER_SEC, true))
}

/// Parses interval input: `18 months`, `1 year 2 mons`, `-1 day`, `01:30:00`, `2 weeks`, `@ 1 hour
/// ago`.
pub(crate) fn parse_interval(s: &str) -> Option<Interval> {
    let t = s.trim().to_ascii_lowercase();
    let t = t.trim_start_matches('@').trim();
    let (t, ago) = match t.strip_suffix("ago") {
        Some(x) => (x.trim(), true),
        None => (t, false),
    };
    let mut out = Interval::default();
    let words: Vec<&str> = t.split_whitespace().collect();
    let mut i = 0;
    if words.is_empty() {
        return None;
    }
    while i < words.len() {
        let w = words[i];
        if w.contains(':') {
            let neg = w.starts_with('-');
            let mut parts = w.trim_start_matches(['-', '+']).split(':');
            let h: f64 = parts.next()?.parse().ok()?;
            let m: f64 = parts.next().unwrap_or("0").parse().ok()?;
            let sec: f64 = parts.next().unwrap_or("0").parse().ok()?;
            let micros = ((h * 3600.0 + m * 60.0 + sec) * USECS_PER_SEC as f64).round() as i64;
            out.micros += if neg { -micros } else { micros };
            i += 1;
            continue;
        }
        // A number followed by a unit (`18 months`), or glued (`18months`).
        let split = w.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(w.len());
        let (num, unit) = if split < w.len() && split > 0 {
            (&w[..split], &w[split..])
        } else {
            i += 1;
            (w, *words.get(i)?)
        };
        let n: f64 = num.parse().ok()?;
        let unit = unit.trim_end_matches(',');
        let add = match unit {
            "year" | "years" | "y" | "yr" | "yrs" => Interval {
                months: 0,
                days: 0,
                micros: 0,
            }
            .add(whole_months(n * 12.0)),
            "decade" | "decades" => whole_months(n * 120.0),
            "century" | "centuries" => whole_months(n * 1200.0),
            "month" | "months" | "mon" | "mons" => whole_months(n),
            "week" | "weeks" | "w" => whole_days(n * 7.0),
            "day" | "days" | "d" => whole_days(n),
            "hour" | "hours" | "h" | "hr" | "hrs" => micros_of(n * 3600.0),
            "minute" | "minutes" | "min" | "mins" | "m" => micros_of(n * 60.0),
            "second" | "seconds" | "sec" | "secs" | "s" => micros_of(n),
            "millisecond" | "milliseconds" | "ms" | "msec" | "msecs" => micros_of(n / 1000.0),
            "microsecond" | "microseconds" | "us" | "usec" | "usecs" => micros_of(n / 1e6),
            _ => return None,
        };
        out = out.add(add);
        i += 1;
    }
    Some(if ago { out.neg() } else { out })
}

fn whole_months(n: f64) -> Interval {
    let m = n.trunc();
    whole_days((n - m) * 30.0).add(Interval {
        months: m as i32,
        days: 0,
        micros: 0,
    })
}

fn whole_days(n: f64) -> Interval {
    let d = n.trunc();
    Interval {
        months: 0,
        days: d as i32,
        micros: ((n - d) * USECS_PER_DAY as f64).round() as i64,
    }
}

fn micros_of(secs: f64) -> Interval {
    Interval {
        months: 0,
        days: 0,
        micros: (secs * USECS_PER_SEC as f64).round() as i64,
    }
}
