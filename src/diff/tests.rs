use super::*;
use crate::catalog::{Column, EnumType, Schema, Table};

fn col(name: &str, ty: &str, not_null: bool) -> Column {
    Column {
        name: name.into(),
        ty: SqlType::builtin(ty),
        not_null,
        ..Default::default()
    }
}

fn catalog(tables: Vec<Table>, enums: Vec<EnumType>) -> Catalog {
    let mut s = Schema::new("public");
    for t in tables {
        s.tables.insert(t.name.clone(), t);
    }
    for e in enums {
        s.enums.insert(e.name.clone(), e);
    }
    let mut c = Catalog::default();
    c.schemas.insert("public".into(), s);
    c
}

fn table(name: &str, cols: Vec<Column>) -> Table {
    let mut t = Table::new(name);
    t.columns = cols;
    t
}

fn scope() -> Scope {
    Scope {
        schemas: vec!["public".into()],
        relation_mode_prisma: false,
        partial_indexes: true,
    }
}

fn never(_: &Catalog, _: &SqlType, _: &str, _: &str) -> bool {
    false
}

fn kinds(d: &Diff) -> Vec<String> {
    d.steps
        .iter()
        .map(|p| {
            format!("{:?}", p.step)
                .split([' ', '{'])
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn equal_catalogs_give_no_steps_and_unlisted_schemas_are_never_touched() {
    let a = catalog(vec![table("t", vec![col("id", "int4", true)])], vec![]);
    let mut b = a.clone();
    let d = diff(Pair::new(&a, &b), &scope(), &[], &never).unwrap();
    assert!(d.is_empty());
    // A table in a schema the datasource does not list, and a check constraint: not Prisma's.
    b.schemas.insert("private".into(), Schema::new("private"));
    let mut other = a.clone();
    other
        .schemas
        .insert("private".into(), Schema::new("private"));
    other
        .schemas
        .get_mut("private")
        .unwrap()
        .tables
        .insert("x".into(), table("x", vec![col("id", "int4", true)]));
    other
        .table_mut("public", "t")
        .unwrap()
        .checks
        .push(crate::catalog::CheckConstraint {
            name: "c".into(),
            expression: "id > 0".into(),
            validated: true,
            no_inherit: false,
        });
    let d = diff(Pair::new(&other, &b), &scope(), &[], &never).unwrap();
    assert!(d.is_empty(), "{:?}", d.steps);
}

#[test]
fn steps_run_in_the_engines_order_and_drops_are_breaking() {
    let prev = catalog(
        vec![
            table("gone", vec![col("id", "int4", true)]),
            table(
                "t",
                vec![col("id", "int4", true), col("old", "text", false)],
            ),
        ],
        vec![EnumType {
            name: "e".into(),
            values: vec!["a".into()],
            comment: None,
        }],
    );
    let next = catalog(
        vec![
            table("new", vec![col("id", "int4", true)]),
            table("t", vec![col("id", "int8", true), col("n", "text", true)]),
        ],
        vec![EnumType {
            name: "e".into(),
            values: vec!["a".into(), "b".into()],
            comment: None,
        }],
    );
    let d = diff(Pair::new(&prev, &next), &scope(), &[], &never).unwrap();
    assert_eq!(
        kinds(&d),
        ["AlterEnum", "AlterTable", "DropTable", "CreateTable"]
    );
    let breaking = d.breaking();
    assert_eq!(breaking.len(), 3, "{breaking:?}");
    assert!(breaking[0].contains("drops column public.t.\"old\"") || breaking[0].contains("old"));
    assert!(breaking.iter().any(|b| b.contains("required column")));
    assert!(breaking.iter().any(|b| b.contains("drops table")));
    // int4 → int8 widens: not breaking; int8 → int4 narrows.
    let back = diff(Pair::new(&next, &prev), &scope(), &[], &never).unwrap();
    assert!(back
        .breaking()
        .iter()
        .any(|b| b.contains("changes the type")));
}

#[test]
fn a_rename_is_drop_and_add_unless_asked() {
    let prev = catalog(vec![table("a", vec![col("id", "int4", true)])], vec![]);
    let next = catalog(vec![table("b", vec![col("id", "int4", true)])], vec![]);
    let d = diff(Pair::new(&prev, &next), &scope(), &[], &never).unwrap();
    assert_eq!(kinds(&d), ["DropTable", "CreateTable"]);
    let r = Rename {
        table: None,
        from: "a".into(),
        to: "b".into(),
    };
    let d = diff(Pair::new(&prev, &next), &scope(), &[r], &never).unwrap();
    assert_eq!(kinds(&d), ["RenameTable"]);
    assert!(d.breaking().is_empty());
    let bad = Rename {
        table: None,
        from: "zz".into(),
        to: "b".into(),
    };
    assert!(diff(Pair::new(&prev, &next), &scope(), &[bad], &never).is_err());
}

#[test]
fn added_columns_keep_the_schemas_field_order() {
    let a = catalog(vec![table("t", vec![col("id", "int4", true)])], vec![]);
    let b = catalog(
        vec![table(
            "t",
            vec![
                col("id", "int4", true),
                col("zeta", "text", false),
                col("alpha", "text", false),
            ],
        )],
        vec![],
    );
    let d = diff(Pair::new(&a, &b), &scope(), &[], &never).unwrap();
    let Step::AlterTable { changes, .. } = &d.steps[0].step else {
        panic!("{:?}", d.steps);
    };
    let added: Vec<&str> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::AddColumn { column } => Some(column.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(added, ["zeta", "alpha"]);
}
