//! Input and output functions of types whose stored text differs from what was written:
//! `money` (`cash_in`/`cash_out` in the C locale Supabase databases use), bit strings (`B'…'`,
//! `X'…'`), `macaddr`/`macaddr8`, `cidr` and `hstore`. Each returns `None` for text the input
//! function would reject (the caller then keeps the text as written).

/// `cash_in` + `cash_out` with the C locale's conventions: `$` currency symbol, `,` thousands
/// separator, two fraction digits rounded half up, a leading `-` or parentheses for negative
/// amounts (`'1234.567'` → `$1,234.57`, `'(12)'` → `-$12.00`).
pub(crate) fn normalize_money(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if b.get(i) == Some(&b'$') {
        i += 1;
    }
    skip_ws(&mut i);
    let mut negative = false;
    match b.get(i) {
        Some(b'-') | Some(b'(') => {
            negative = true;
            i += 1;
        }
        Some(b'+') => i += 1,
        _ => {}
    }
    skip_ws(&mut i);
    if b.get(i) == Some(&b'$') {
        i += 1;
    }
    skip_ws(&mut i);
    let mut value: i128 = 0;
    let (mut dec, mut seen_dot, mut digits) = (0, false, 0);
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() && (!seen_dot || dec < 2) {
            value = value * 10 + i128::from(c - b'0');
            digits += 1;
            if seen_dot {
                dec += 1;
            }
        } else if c == b'.' && !seen_dot {
            seen_dot = true;
        } else if c != b',' {
            break;
        }
        i += 1;
    }
    if b.get(i).is_some_and(|c| (b'5'..=b'9').contains(c)) {
        value += 1;
    }
    for _ in dec..2 {
        value *= 10;
    }
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    while i < b.len() {
        match b[i] {
            c if c.is_ascii_whitespace() || c == b')' || c == b'+' || c == b'$' => {}
            b'-' => negative = true,
            _ => return None,
        }
        i += 1;
    }
    if digits == 0 || value > i128::from(i64::MAX) {
        return None;
    }
    let whole = (value / 100).to_string();
    let mut grouped = String::new();
    for (n, ch) in whole.chars().enumerate() {
        if n > 0 && (whole.len() - n) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if negative && value != 0 { "-" } else { "" };
    Some(format!("{sign}${grouped}.{:02}", value % 100))
}

/// The bits of a `B'…'` literal (`None` unless only `0` and `1`).
pub(crate) fn binary_bits(s: &str) -> Option<String> {
    s.chars()
        .all(|c| c == '0' || c == '1')
        .then(|| s.to_string())
}

/// The bits of an `X'…'` literal: four per hex digit.
pub(crate) fn hex_bits(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len() * 4);
    for c in s.chars() {
        out.push_str(&format!("{:04b}", c.to_digit(16)?));
    }
    Some(out)
}

/// `macaddr_in`/`macaddr8_in` + output: the accepted groupings (`08:00:2b:01:02:03`,
/// `08-00-2b-01-02-03`, `08002b:010203`, `08002b-010203`, `0800.2b01.0203`, `0800-2b01-0203`,
/// `08002b010203`) printed as lower-case colon-separated bytes. A 6-byte address read as
/// `macaddr8` gets `ff:fe` in the middle.
pub(crate) fn normalize_macaddr(text: &str, eight: bool) -> Option<String> {
    let t = text.trim();
    let hex: String = t.chars().filter(char::is_ascii_hexdigit).collect();
    let seps: String = t.chars().filter(|c| !c.is_ascii_hexdigit()).collect();
    if !seps.chars().all(|c| matches!(c, ':' | '-' | '.')) {
        return None;
    }
    let mut bytes: Vec<String> = (0..hex.len() / 2)
        .map(|i| hex[2 * i..2 * i + 2].to_ascii_lowercase())
        .collect();
    if hex.len() % 2 != 0 {
        return None;
    }
    match (bytes.len(), eight) {
        (6, false) | (8, true) => {}
        (6, true) => {
            bytes.insert(3, "fe".into());
            bytes.insert(3, "ff".into());
        }
        _ => return None,
    }
    Some(bytes.join(":"))
}

/// `cidr_in` + `cidr_out`: missing IPv4 octets are zero (`10/8` → `10.0.0.0/8`), a missing mask
/// is the classful one `inet_cidr_pton_ipv4` imputes, widened to the octets written
/// (`192.168.1` → `192.168.1.0/24`, `1.2.3.4` → `1.2.3.4/32`); IPv6 is lower-cased with `/128`
/// when no mask is written.
pub(crate) fn normalize_cidr(text: &str) -> Option<String> {
    let t = text.trim();
    if t.contains(':') {
        let t = t.to_lowercase();
        return Some(if t.contains('/') {
            t
        } else {
            format!("{t}/128")
        });
    }
    let (addr, mask) = match t.split_once('/') {
        Some((a, m)) => (a, Some(m.parse::<u32>().ok()?)),
        None => (t, None),
    };
    let mut octets: Vec<u32> = Vec::new();
    for p in addr.split('.') {
        let v = p.parse::<u32>().ok()?;
        if v > 255 {
            return None;
        }
        octets.push(v);
    }
    if octets.is_empty() || octets.len() > 4 {
        return None;
    }
    let given = 8 * octets.len() as u32;
    octets.resize(4, 0);
    let bits = match mask {
        Some(m) if m <= 32 => m,
        Some(_) => return None,
        None => {
            let mut b = match octets[0] {
                240.. => 32,
                224.. => 4,
                192.. => 24,
                128.. => 16,
                _ => 8,
            };
            b = b.max(given);
            if b == 8 && octets[0] == 224 {
                b = 4;
            }
            b
        }
    };
    let value = octets
        .iter()
        .fold(0u64, |acc, o| (acc << 8) | u64::from(*o));
    let host_mask = (1u64 << (32 - bits)) - 1;
    if value & host_mask != 0 {
        return None;
    }
    Some(format!(
        "{}.{}.{}.{}/{bits}",
        octets[0], octets[1], octets[2], octets[3]
    ))
}

/// `hstore_in` + `hstore_out`: pairs printed `"key"=>"value"` (`NULL` unquoted), sorted by key
/// length and then bytes, one pair per key (the first written), joined by `, `.
pub(crate) fn normalize_hstore(text: &str) -> Option<String> {
    let b: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut pairs: Vec<(String, Option<String>)> = Vec::new();
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_whitespace() {
            *i += 1;
        }
    };
    // A quoted or bare token; bare tokens end at white space, `=`, `,` or `>`.
    let token = |i: &mut usize| -> Option<(String, bool)> {
        let mut out = String::new();
        if b.get(*i) == Some(&'"') {
            *i += 1;
            loop {
                match b.get(*i)? {
                    '"' => {
                        *i += 1;
                        return Some((out, true));
                    }
                    '\\' => {
                        out.push(*b.get(*i + 1)?);
                        *i += 2;
                    }
                    c => {
                        out.push(*c);
                        *i += 1;
                    }
                }
            }
        }
        while let Some(&c) = b.get(*i) {
            if c.is_whitespace() || matches!(c, '=' | ',' | '>') {
                break;
            }
            if c == '\\' {
                out.push(*b.get(*i + 1)?);
                *i += 2;
            } else {
                out.push(c);
                *i += 1;
            }
        }
        (!out.is_empty()).then_some((out, false))
    };
    loop {
        skip_ws(&mut i);
        if i >= b.len() {
            break;
        }
        let (key, _) = token(&mut i)?;
        skip_ws(&mut i);
        if b.get(i) != Some(&'=') || b.get(i + 1) != Some(&'>') {
            return None;
        }
        i += 2;
        skip_ws(&mut i);
        let (value, quoted) = token(&mut i)?;
        let value = (quoted || !value.eq_ignore_ascii_case("null")).then_some(value);
        if !pairs.iter().any(|(k, _)| *k == key) {
            pairs.push((key, value));
        }
        skip_ws(&mut i);
        match b.get(i) {
            Some(',') => i += 1,
            None => break,
            Some(_) => return None,
        }
    }
    pairs.sort_by(|(a, _), (b, _)| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    Some(
        pairs
            .iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{}=>{}", quote(k), quote(v)),
                None => format!("{}=>NULL", quote(k)),
            })
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// `tsvectorin` + `tsvectorout`: lexemes sorted and merged, quoted (`'` and `\\` doubled),
/// positions sorted without duplicates (the highest weight kept), weights other than `D` shown
/// (`'b a a:1'` → `'a':1 'b'`).
pub(crate) fn normalize_tsvector(text: &str) -> Option<String> {
    let b: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut entries: Vec<(String, Vec<(u32, u8)>)> = Vec::new();
    loop {
        while b.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        let Some(&first) = b.get(i) else { break };
        let mut lexeme = String::new();
        if first == '\'' {
            i += 1;
            loop {
                match *b.get(i)? {
                    '\'' if b.get(i + 1) == Some(&'\'') => {
                        lexeme.push('\'');
                        i += 2;
                    }
                    '\'' => {
                        i += 1;
                        break;
                    }
                    '\\' => {
                        lexeme.push(*b.get(i + 1)?);
                        i += 2;
                    }
                    c => {
                        lexeme.push(c);
                        i += 1;
                    }
                }
            }
        } else {
            while let Some(&c) = b.get(i) {
                if c.is_whitespace() || c == ':' {
                    break;
                }
                if c == '\\' {
                    lexeme.push(*b.get(i + 1)?);
                    i += 2;
                } else {
                    lexeme.push(c);
                    i += 1;
                }
            }
        }
        if lexeme.is_empty() {
            return None;
        }
        let mut positions = Vec::new();
        if b.get(i) == Some(&':') {
            i += 1;
            loop {
                let start = i;
                while b.get(i).is_some_and(char::is_ascii_digit) {
                    i += 1;
                }
                let pos: u32 = b[start..i].iter().collect::<String>().parse().ok()?;
                if pos == 0 {
                    return None;
                }
                let weight = match b.get(i).map(char::to_ascii_uppercase) {
                    Some(w @ 'A'..='D') => {
                        i += 1;
                        b'D' - w as u8
                    }
                    Some('*') => {
                        i += 1;
                        0
                    }
                    _ => 0,
                };
                positions.push((pos.min(16383), weight));
                if b.get(i) == Some(&',') {
                    i += 1;
                } else {
                    break;
                }
            }
        }
        match entries.iter_mut().find(|(l, _)| *l == lexeme) {
            Some((_, p)) => p.extend(positions),
            None => entries.push((lexeme, positions)),
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::new();
    for (lexeme, mut positions) in entries {
        positions.sort_by_key(|p| p.0);
        let mut kept: Vec<(u32, u8)> = Vec::new();
        for p in positions {
            match kept.last_mut() {
                Some(last) if last.0 == p.0 => last.1 = last.1.max(p.1),
                _ => kept.push(p),
            }
        }
        let mut s = format!("'{}'", lexeme.replace('\\', "\\\\").replace('\'', "''"));
        if !kept.is_empty() {
            s.push(':');
            let list: Vec<String> = kept
                .iter()
                .map(|(p, w)| match w {
                    0 => p.to_string(),
                    w => format!("{p}{}", (b'D' - w) as char),
                })
                .collect();
            s.push_str(&list.join(","));
        }
        out.push(s);
    }
    Some(out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outputs of PostgreSQL 15 (C locale) for the same inputs.
    #[test]
    fn money() {
        let cases = [
            ("12.34", "$12.34"),
            ("1234567.891", "$1,234,567.89"),
            ("$1,000", "$1,000.00"),
            ("-0.004", "$0.00"),
            ("(12)", "-$12.00"),
            ("0.005", "$0.01"),
            ("-$5.5", "-$5.50"),
            ("1,2,3.456", "$123.46"),
            ("  $ 12 ", "$12.00"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_money(input).as_deref(), Some(want), "{input}");
        }
        assert_eq!(normalize_money("abc"), None);
    }

    #[test]
    fn bits_macaddr_cidr_hstore() {
        assert_eq!(hex_bits("AF").as_deref(), Some("10101111"));
        assert_eq!(binary_bits("102"), None);
        assert_eq!(
            normalize_macaddr("08-00-2B-01-02-03", false).as_deref(),
            Some("08:00:2b:01:02:03")
        );
        assert_eq!(
            normalize_macaddr("0800.2b01.0203", true).as_deref(),
            Some("08:00:2b:ff:fe:01:02:03")
        );
        for (input, want) in [
            ("10/8", "10.0.0.0/8"),
            ("192.168.1", "192.168.1.0/24"),
            ("10", "10.0.0.0/8"),
            ("128", "128.0.0.0/16"),
            ("200", "200.0.0.0/24"),
            ("224", "224.0.0.0/4"),
            ("224.1", "224.1.0.0/16"),
            ("10.0.0.0", "10.0.0.0/32"),
            ("::1", "::1/128"),
            ("2001:DB8::/32", "2001:db8::/32"),
        ] {
            assert_eq!(normalize_cidr(input).as_deref(), Some(want), "{input}");
        }
        assert_eq!(normalize_cidr("10.1.2.3/8"), None);
        assert_eq!(
            normalize_hstore("b=>2, a=>1, aa=>\"x y\", c=>NULL").as_deref(),
            Some("\"a\"=>\"1\", \"b\"=>\"2\", \"c\"=>NULL, \"aa\"=>\"x y\"")
        );
        assert_eq!(normalize_hstore("").as_deref(), Some(""));
        for (input, want) in [
            ("b a a:1", "'a':1 'b'"),
            ("a:3B,1,3 b:2C c", "'a':1,3B 'b':2C 'c'"),
            ("'it''s' \"x\" \\\\y z\\ w", "'\"x\"' '\\\\y' 'it''s' 'z w'"),
            ("aa a ab b ba", "'a' 'aa' 'ab' 'b' 'ba'"),
            ("a:1,2 a:2A,5", "'a':1,2A,5"),
            ("", ""),
        ] {
            assert_eq!(normalize_tsvector(input).as_deref(), Some(want), "{input}");
        }
        assert_eq!(
            normalize_hstore("a=>1,a=>2").as_deref(),
            Some("\"a\"=>\"1\"")
        );
        assert_eq!(
            normalize_hstore("a => null, B=>NuLl, c=>\"NULL\"").as_deref(),
            Some("\"B\"=>NULL, \"a\"=>NULL, \"c\"=>\"NULL\"")
        );
        assert_eq!(
            normalize_hstore("a\\ b=>c\\,d").as_deref(),
            Some("\"a b\"=>\"c,d\"")
        );
    }
}
