use super::*;

fn p(text: &str, family: Family) -> Option<DbDefault> {
    parse_default(text, &family, false)
}

fn gen(s: &str) -> Option<DbDefault> {
    Some(DbDefault::DbGenerated(s.to_string()))
}

#[test]
fn scalar_defaults() {
    use DbDefault::*;
    assert_eq!(p("now()", Family::DateTime), Some(Now));
    assert_eq!(p("CURRENT_TIMESTAMP", Family::DateTime), Some(Now));
    assert_eq!(
        p("timezone('utc'::text, now())", Family::DateTime),
        gen("timezone('utc'::text, now())")
    );
    assert_eq!(
        p("'a''b'::character varying", Family::String),
        Some(Value(super::Value::Str("a'b".into())))
    );
    assert_eq!(
        p("'-1'::integer", Family::Int),
        Some(Value(super::Value::Int(-1)))
    );
    assert_eq!(
        p("nextval('t_id_seq'::regclass)", Family::Int),
        Some(Sequence)
    );
    assert_eq!(
        p("1.50", Family::Decimal),
        Some(Value(super::Value::Float("1.50".into())))
    );
    assert_eq!(
        p("true", Family::Boolean),
        Some(Value(super::Value::Bool(true)))
    );
    assert_eq!(
        p("'ACTIVE'::\"Status\"", Family::Enum(0)),
        Some(Value(super::Value::Enum("ACTIVE".into())))
    );
    assert_eq!(
        p("gen_random_uuid()", Family::Uuid),
        gen("gen_random_uuid()")
    );
    assert_eq!(p("(now())::text", Family::String), gen("(now())::text"));
    assert_eq!(p("NULL::text", Family::String), None);
    assert_eq!(
        p("'\\x0102'::bytea", Family::Binary),
        Some(Value(super::Value::Bytes(vec![1, 2])))
    );
}

#[test]
fn list_defaults() {
    let l = |t: &str, f: Family| parse_default(t, &f, true);
    assert_eq!(
        l("'{}'::text[]", Family::String),
        Some(DbDefault::Value(Value::List(vec![])))
    );
    assert_eq!(
        l("ARRAY['a'::text, 'b'::text]", Family::String),
        Some(DbDefault::Value(Value::List(vec![
            Value::Str("a".into()),
            Value::Str("b".into())
        ])))
    );
    assert_eq!(
        l("'{1,2}'::integer[]", Family::Int),
        Some(DbDefault::Value(Value::List(vec![
            Value::Int(1),
            Value::Int(2)
        ])))
    );
}
