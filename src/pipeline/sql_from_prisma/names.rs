//! Names of new migration files: the UTC timestamp version (one second after the last) and the
//! slug.

/// `YYYYMMDDHHMMSS` in UTC for `secs` since the epoch.
pub(crate) fn utc_stamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's algorithm).
pub(super) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) → days since 1970-01-01.
pub(super) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The second after a `YYYYMMDDHHMMSS` version, when it is one.
pub(super) fn next_second(v: &str) -> Option<String> {
    if v.len() != 14 {
        return None;
    }
    let n = |a: usize, b: usize| v[a..b].parse::<u32>().ok();
    let (y, mo, d, h, mi, s) = (
        n(0, 4)?,
        n(4, 6)?,
        n(6, 8)?,
        n(8, 10)?,
        n(10, 12)?,
        n(12, 14)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let days = days_from_civil(y as i64, mo, d);
    if civil_from_days(days) != (y as i64, mo, d) || days < 0 {
        return None;
    }
    let secs = days as u64 * 86_400 + (h * 3600 + mi * 60 + s) as u64;
    Some(utc_stamp(secs + 1))
}

/// A version greater than every existing one, both as text (the order the Supabase CLI applies
/// files in) and as a number: `now` when it is, else the second after the latest (or the
/// latest with a `0` appended when it is not a date).
pub(crate) fn next_version<'a>(now: &str, existing: impl Iterator<Item = &'a str>) -> String {
    let greater = |a: &str, b: &str| a > b && (a.len() > b.len() || (a.len() == b.len()));
    let Some(max) = existing.max_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b))) else {
        return now.to_string();
    };
    if greater(now, max) {
        return now.to_string();
    }
    match next_second(max) {
        Some(v) => v,
        None => format!("{max}0"),
    }
}

/// The file name part Prisma makes from a migration name (`@sindresorhus/slugify` with `_`,
/// cut at 200 characters): `Add Tags & More-Stuff!` → `add_tags_and_more_stuff`, camelCase split
/// into words, accents dropped, everything else but letters and digits a separator.
pub fn slug(name: &str) -> String {
    let mut spaced = String::new();
    let chars: Vec<char> = name.replace('&', " and ").chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        // Decamelize: `fooBar` → `foo Bar`, `XMLHttp` → `XML Http`.
        if i > 0 && c.is_uppercase() {
            let p = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if p.is_lowercase() || p.is_ascii_digit() || (p.is_uppercase() && next_lower) {
                spaced.push(' ');
            }
        }
        spaced.push(fold(c));
    }
    let mut out = String::new();
    for c in spaced.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_');
    let out: String = out.chars().take(200).collect();
    if out.is_empty() {
        "migration".to_string()
    } else {
        out
    }
}

/// Latin letters with diacritics → their base letter.
pub(super) fn fold(c: char) -> char {
    const FROM: &str = "àáâãäåāăąçćčďèéêëēėęěìíîïīįñńňòóôõöøōőřśšşťùúûüūůűųýÿžźżÀÁÂÃÄÅĀĂĄÇĆČĎÈÉÊËĒĖĘĚÌÍÎÏĪĮÑŃŇÒÓÔÕÖØŌŐŘŚŠŞŤÙÚÛÜŪŮŰŲÝŸŽŹŻ";
    const TO: &str = "aaaaaaaaacccdeeeeeeeeiiiiiinnnoooooooorsssttuuuuuuuuyyzzzAAAAAAAAACCCDEEEEEEEEIIIIIINNNOOOOOOOORSSSTUUUUUUUUYYZZZ";
    match FROM.chars().position(|x| x == c) {
        Some(i) => TO.chars().nth(i).unwrap_or(c),
        None => c,
    }
}
