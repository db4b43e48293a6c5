use super::*;

#[test]
fn numerics() {
    for (i, o) in [
        ("1e5", "100000"),
        (".5", "0.5"),
        ("1.50", "1.50"),
        ("0.00", "0.00"),
        ("1.5e2", "150"),
        ("1.5e-2", "0.015"),
        ("-0.0", "0.0"),
        ("007", "7"),
        ("12.345e1", "123.45"),
    ] {
        assert_eq!(normalize_numeric(i).as_deref(), Some(o), "{i}");
    }
}

#[test]
fn floats() {
    assert_eq!(normalize_float("1.5", false).unwrap(), "1.5");
    assert_eq!(normalize_float("100", false).unwrap(), "100");
    assert_eq!(normalize_float("1e20", false).unwrap(), "1e+20");
    assert_eq!(normalize_float("0.0001", false).unwrap(), "0.0001");
    assert_eq!(normalize_float("0.00001", false).unwrap(), "1e-05");
    assert_eq!(normalize_float("0.1", true).unwrap(), "0.1");
}

#[test]
fn bools_and_uuids() {
    assert_eq!(parse_bool(" TRUE "), Some(true));
    assert_eq!(parse_bool("of"), Some(false));
    assert_eq!(parse_bool("o"), None);
    assert_eq!(
        normalize_uuid("{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}").unwrap(),
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    );
    assert_eq!(normalize_bytea("\\xDEAD").unwrap(), "\\xdead");
    assert_eq!(normalize_bytea("ab").unwrap(), "\\x6162");
}
