//! Date, time, timestamp and interval literals, printed as `DateStyle = ISO`,
//! `IntervalStyle = postgres` and `TimeZone = UTC` print them.

use crate::pg::calendar::{civil_from_days, days_from_civil};

/// `interval_in` + `interval_out`.
pub(super) fn normalize_interval(text: &str) -> Option<String> {
    let (months, days, micros) = parse_interval(text)?;
    Some(format_interval(months, days, micros))
}

const USECS_PER_SEC: i64 = 1_000_000;
const USECS_PER_DAY: f64 = 86_400_000_000.0;

fn parse_interval(text: &str) -> Option<(i64, i64, i64)> {
    let t = text.trim().to_ascii_lowercase();
    if let Some(iso) = t.strip_prefix('p') {
        return parse_iso_interval(iso);
    }
    let mut months = 0f64;
    let mut days = 0f64;
    let mut micros = 0f64;
    let mut words: Vec<&str> = t.split_whitespace().collect();
    let mut ago = false;
    if words.last() == Some(&"ago") {
        ago = true;
        words.pop();
    }
    // Split tokens like "7days" into number and unit.
    let mut toks: Vec<String> = Vec::new();
    for w in words {
        let w = w.trim_start_matches('@');
        if w.is_empty() {
            continue;
        }
        let split = w
            .char_indices()
            .find(|(i, c)| *i > 0 && c.is_ascii_alphabetic())
            .map(|(i, _)| i);
        match split {
            Some(i) if !w.contains(':') && w[..i].parse::<f64>().is_ok() => {
                toks.push(w[..i].to_string());
                toks.push(w[i..].to_string());
            }
            _ => toks.push(w.to_string()),
        }
    }
    let mut i = 0;
    while i < toks.len() {
        let tok = &toks[i];
        if tok.contains(':') {
            micros += parse_clock(tok)? as f64;
            i += 1;
            continue;
        }
        let v: f64 = tok.parse().ok()?;
        let unit = toks.get(i + 1).map(String::as_str);
        let consumed = match unit.and_then(unit_of) {
            Some(u) => {
                match u {
                    Unit::Millennium => months += v * 12_000.0,
                    Unit::Century => months += v * 1_200.0,
                    Unit::Decade => months += v * 120.0,
                    Unit::Year => months += v * 12.0,
                    Unit::Month => {
                        let whole = v.trunc();
                        months += whole;
                        let fdays = (v - whole) * 30.0;
                        days += fdays.trunc();
                        micros += (fdays - fdays.trunc()) * USECS_PER_DAY;
                    }
                    Unit::Week => {
                        let d = v * 7.0;
                        days += d.trunc();
                        micros += (d - d.trunc()) * USECS_PER_DAY;
                    }
                    Unit::Day => {
                        days += v.trunc();
                        micros += (v - v.trunc()) * USECS_PER_DAY;
                    }
                    Unit::Hour => micros += v * 3_600_000_000.0,
                    Unit::Minute => micros += v * 60_000_000.0,
                    Unit::Second => micros += v * 1_000_000.0,
                    Unit::Milli => micros += v * 1_000.0,
                    Unit::Micro => micros += v,
                }
                2
            }
            None => {
                if unit.is_some() {
                    return None;
                }
                micros += v * 1_000_000.0;
                1
            }
        };
        i += consumed;
    }
    // Fractional months from years spill into months only (truncated, as Postgres does).
    let whole_months = months.trunc();
    let frac_months = months - whole_months;
    if frac_months != 0.0 {
        let fdays = frac_months * 30.0;
        days += fdays.trunc();
        micros += (fdays - fdays.trunc()) * USECS_PER_DAY;
    }
    let (mut m, mut d, mut us) = (whole_months as i64, days as i64, micros.round() as i64);
    if ago {
        m = -m;
        d = -d;
        us = -us;
    }
    Some((m, d, us))
}

fn parse_iso_interval(s: &str) -> Option<(i64, i64, i64)> {
    let (date, time) = match s.find('t') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    };
    let mut months = 0i64;
    let mut days = 0i64;
    let mut micros = 0f64;
    let mut num = String::new();
    for c in date.chars() {
        if c.is_ascii_digit() || c == '.' || c == '-' {
            num.push(c);
            continue;
        }
        let v: f64 = num.parse().ok()?;
        num.clear();
        match c {
            'y' => months += (v * 12.0) as i64,
            'm' => months += v as i64,
            'w' => days += (v * 7.0) as i64,
            'd' => days += v as i64,
            _ => return None,
        }
    }
    for c in time.chars() {
        if c.is_ascii_digit() || c == '.' || c == '-' {
            num.push(c);
            continue;
        }
        let v: f64 = num.parse().ok()?;
        num.clear();
        match c {
            'h' => micros += v * 3_600_000_000.0,
            'm' => micros += v * 60_000_000.0,
            's' => micros += v * 1_000_000.0,
            _ => return None,
        }
    }
    Some((months, days, micros.round() as i64))
}

/// `[-]h:m[:s[.f]]` as microseconds.
fn parse_clock(tok: &str) -> Option<i64> {
    let (neg, t) = match tok.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, tok.strip_prefix('+').unwrap_or(tok)),
    };
    let parts: Vec<&str> = t.split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let h: i64 = parts[0].parse().ok()?;
    let m: i64 = parts[1].parse().ok()?;
    let s: f64 = match parts.get(2) {
        Some(s) => s.parse().ok()?,
        None => 0.0,
    };
    let us = h * 3_600_000_000 + m * 60_000_000 + (s * 1_000_000.0).round() as i64;
    Some(if neg { -us } else { us })
}

enum Unit {
    Millennium,
    Century,
    Decade,
    Year,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    Milli,
    Micro,
}

fn unit_of(word: &str) -> Option<Unit> {
    Some(match word {
        "millennium" | "millennia" | "millenniums" | "mil" | "mils" => Unit::Millennium,
        "century" | "centuries" | "cent" | "c" => Unit::Century,
        "decade" | "decades" | "dec" | "decs" => Unit::Decade,
        "year" | "years" | "yr" | "yrs" | "y" => Unit::Year,
        "month" | "months" | "mon" | "mons" => Unit::Month,
        "week" | "weeks" | "w" => Unit::Week,
        "day" | "days" | "d" => Unit::Day,
        "hour" | "hours" | "hr" | "hrs" | "h" => Unit::Hour,
        "minute" | "minutes" | "min" | "mins" | "m" => Unit::Minute,
        "second" | "seconds" | "sec" | "secs" | "s" => Unit::Second,
        "millisecond" | "milliseconds" | "ms" | "msec" | "msecs" => Unit::Milli,
        "microsecond" | "microseconds" | "us" | "usec" | "usecs" => Unit::Micro,
        _ => return None,
    })
}

fn format_interval(months: i64, days: i64, micros: i64) -> String {
    let mut out = String::new();
    let mut is_zero = true;
    let mut is_before = false;
    let mut part = |out: &mut String, v: i64, unit: &str| {
        if v == 0 {
            return;
        }
        if !is_zero {
            out.push(' ');
        }
        if is_before && v > 0 {
            out.push('+');
        }
        out.push_str(&format!("{v} {unit}{}", if v != 1 { "s" } else { "" }));
        is_before = v < 0;
        is_zero = false;
    };
    part(&mut out, months / 12, "year");
    part(&mut out, months % 12, "mon");
    part(&mut out, days, "day");
    if is_zero || micros != 0 {
        let minus = micros < 0;
        let a = micros.unsigned_abs() as i64;
        let hours = a / 3_600_000_000;
        let mins = (a / 60_000_000) % 60;
        let secs = (a / USECS_PER_SEC) % 60;
        let frac = a % USECS_PER_SEC;
        if !is_zero {
            out.push(' ');
        }
        if minus {
            out.push('-');
        } else if is_before {
            out.push('+');
        }
        out.push_str(&format!("{hours:02}:{mins:02}:{secs:02}"));
        push_frac(&mut out, frac);
    }
    out
}

fn push_frac(out: &mut String, frac_us: i64) {
    if frac_us != 0 {
        let f = format!("{frac_us:06}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
}

/// `YYYY-MM-DD` (also `YYYYMMDD`).
fn parse_date(t: &str) -> Option<(i32, u32, u32)> {
    let parts: Vec<&str> = t.split(['-', '/']).collect();
    let (y, m, d) = if parts.len() == 3 && parts[0].len() == 4 {
        (
            parts[0].parse().ok()?,
            parts[1].parse().ok()?,
            parts[2].parse().ok()?,
        )
    } else if parts.len() == 1 && t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        (
            t[..4].parse().ok()?,
            t[4..6].parse().ok()?,
            t[6..].parse().ok()?,
        )
    } else {
        return None;
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some((y, m, d))
}

pub(super) fn normalize_date(text: &str) -> Option<String> {
    let t = text.trim().to_ascii_lowercase();
    if matches!(t.as_str(), "infinity" | "-infinity") {
        return Some(t);
    }
    let (y, m, d) = parse_date(t.split([' ', 't']).next()?)?;
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// `hh:mm[:ss[.f]]` and an optional zone offset.
fn parse_time(t: &str) -> Option<(i64, Option<i32>)> {
    let t = t.trim();
    let (clock, zone) = match t.find(['+', '-']).filter(|&i| i > 0) {
        Some(i) => (&t[..i], Some(&t[i..])),
        None => match t.strip_suffix('z') {
            Some(c) => (c, Some("+00")),
            None => (t, None),
        },
    };
    let us = parse_clock(clock.trim())?;
    let off = match zone {
        Some(z) => Some(parse_offset(z.trim())?),
        None => None,
    };
    Some((us, off))
}

/// `+hh[:mm]` / `-hhmm` in seconds east of UTC.
fn parse_offset(z: &str) -> Option<i32> {
    let (sign, rest) = match z.as_bytes().first()? {
        b'+' => (1, &z[1..]),
        b'-' => (-1, &z[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    Some(sign * (h * 3600 + m * 60))
}

fn format_clock(us: i64) -> String {
    let mut out = format!(
        "{:02}:{:02}:{:02}",
        us / 3_600_000_000,
        (us / 60_000_000) % 60,
        (us / USECS_PER_SEC) % 60
    );
    push_frac(&mut out, us % USECS_PER_SEC);
    out
}

fn format_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.abs();
    if a % 3600 == 0 {
        format!("{sign}{:02}", a / 3600)
    } else {
        format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
    }
}

pub(super) fn normalize_time(text: &str, tz: bool) -> Option<String> {
    let (us, off) = parse_time(&text.trim().to_ascii_lowercase())?;
    let mut out = format_clock(us);
    if tz {
        out.push_str(&format_offset(off.unwrap_or(0)));
    }
    Some(out)
}

pub(super) fn normalize_timestamp(text: &str, tz: bool) -> Option<String> {
    let t = text.trim().to_ascii_lowercase();
    if matches!(t.as_str(), "infinity" | "-infinity") {
        return Some(t);
    }
    let (date, rest) = match t.find([' ', 't']) {
        Some(i) => (&t[..i], t[i + 1..].trim()),
        None => (t.as_str(), ""),
    };
    let (y, m, d) = parse_date(date)?;
    let (mut us, off) = if rest.is_empty() {
        (0, None)
    } else {
        parse_time(rest)?
    };
    let mut days = days_from_civil(i64::from(y), m, d);
    if tz {
        us -= i64::from(off.unwrap_or(0)) * USECS_PER_SEC;
        days += us.div_euclid(86_400 * USECS_PER_SEC);
        us = us.rem_euclid(86_400 * USECS_PER_SEC);
    }
    let (y, m, d) = civil_from_days(days);
    let mut out = format!("{y:04}-{m:02}-{d:02} {}", format_clock(us));
    if tz {
        out.push_str("+00");
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        for (i, o) in [
            ("2 weeks", "14 days"),
            ("1.5 hours", "01:30:00"),
            ("1.5 days", "1 day 12:00:00"),
            ("1.5 months", "1 mon 15 days"),
            ("1.5 years", "1 year 6 mons"),
            ("30", "00:00:30"),
            ("1 day -2 hours", "1 day -02:00:00"),
            ("-1 day", "-1 days"),
            (
                "1 year 2 months 3 days 04:05:06.5",
                "1 year 2 mons 3 days 04:05:06.5",
            ),
            ("P1Y2M3DT4H5M6S", "1 year 2 mons 3 days 04:05:06"),
            ("2 days ago", "-2 days"),
            ("100 minutes", "01:40:00"),
            ("0", "00:00:00"),
            ("36 hours", "36:00:00"),
            ("1 week 2 days", "9 days"),
            ("-00:15:00", "-00:15:00"),
            ("1 millisecond", "00:00:00.001"),
            ("7 days", "7 days"),
        ] {
            assert_eq!(normalize_interval(i).as_deref(), Some(o), "{i}");
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            normalize_timestamp("2020-01-01T10:00:00+02", true).unwrap(),
            "2020-01-01 08:00:00+00"
        );
        assert_eq!(
            normalize_timestamp("2020-01-01", false).unwrap(),
            "2020-01-01 00:00:00"
        );
        assert_eq!(normalize_date("2020-1-2").unwrap(), "2020-01-02");
        assert_eq!(normalize_time("9:05", false).unwrap(), "09:05:00");
    }
}
