//! The names Postgres generates for constraints, indexes and sequences (`makeObjectName`,
//! `ChooseRelationName`, `ChooseConstraintName` in `src/backend/commands/indexcmds.c`).

/// `NAMEDATALEN` of a stock build: identifiers hold at most `NAMEDATALEN - 1` = 63 bytes.
pub const NAMEDATALEN: usize = 64;

/// Cuts `name` to at most 63 bytes on a character boundary, as Postgres does with long identifiers.
pub fn truncate_identifier(name: &str) -> String {
    clip(name, NAMEDATALEN - 1).to_string()
}

fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `makeObjectName(name1, name2, label)`: `name1_name2_label`, shortening the longer of name1 and
/// name2 first until the whole fits in 63 bytes.
pub fn make_object_name(name1: &str, name2: Option<&str>, label: Option<&str>) -> String {
    // Separating underscores and the label are overhead; name1 and name2 share the rest.
    let overhead = usize::from(name2.is_some()) + label.map_or(0, |l| l.len() + 1);
    let avail = (NAMEDATALEN - 1).saturating_sub(overhead);
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let mut out = clip(name1, n1).to_string();
    if let Some(name2) = name2 {
        out.push('_');
        out.push_str(clip(name2, n2));
    }
    if let Some(l) = label {
        out.push('_');
        out.push_str(l);
    }
    out
}

/// `ChooseRelationName`: `make_object_name`, then `label1`, `label2`… until `taken` says no.
pub fn choose_relation_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: &dyn Fn(&str) -> bool,
) -> String {
    let mut pass = 0;
    let mut modlabel = label.to_string();
    loop {
        let name = make_object_name(name1, name2, Some(&modlabel));
        if !taken(&name) {
            return name;
        }
        pass += 1;
        modlabel = format!("{label}{pass}");
    }
}

/// `ChooseConstraintName`: the same rule as relation names (Postgres checks constraint names of the
/// whole schema, plus the names chosen earlier in the same statement).
pub fn choose_constraint_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: &dyn Fn(&str) -> bool,
) -> String {
    choose_relation_name(name1, name2, label, taken)
}

/// `ChooseIndexNameAddition` / `ChooseForeignKeyConstraintNameAddition`: column names joined by
/// `_`, stopping once the text reaches `NAMEDATALEN` bytes.
pub fn name_addition(columns: &[String]) -> String {
    let mut buf = String::new();
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            buf.push('_');
        }
        // Postgres copies the name with strlcpy into the remaining room of a NAMEDATALEN*2 buffer.
        buf.push_str(c);
        if buf.len() >= NAMEDATALEN {
            break;
        }
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names() {
        assert_eq!(make_object_name("users", None, Some("pkey")), "users_pkey");
        assert_eq!(
            make_object_name("users", Some("email"), Some("key")),
            "users_email_key"
        );
        let long = "a".repeat(70);
        let n = make_object_name(&long, Some("col"), Some("fkey"));
        assert_eq!(n.len(), 63);
        assert!(n.ends_with("_col_fkey"));
        let n = make_object_name(&"t".repeat(40), Some(&"c".repeat(40)), Some("key"));
        assert_eq!(n.len(), 63);
        assert_eq!(n, format!("{}_{}_key", "t".repeat(29), "c".repeat(29)));
    }

    #[test]
    fn collisions_get_numbers() {
        let taken = |n: &str| n == "t_a_idx" || n == "t_a_idx1";
        assert_eq!(
            choose_relation_name("t", Some("a"), "idx", &taken),
            "t_a_idx2"
        );
    }
}
