//! The introspection warnings, in the text `prisma db pull` prints (the schema engine's
//! `schema-connector/src/warnings.rs`).

use std::fmt::{self, Write as _};

/// Warnings gathered while calculating the datamodel. Each list keeps the engine's order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Warnings {
    /// `(model, field)` commented out because of an invalid name.
    pub fields_with_empty_names_in_model: Vec<(String, String)>,
    /// `(view, field)` commented out because of an invalid name.
    pub fields_with_empty_names_in_view: Vec<(String, String)>,
    /// `(model, field)` with `@map` from the previous schema.
    pub remapped_fields_in_model: Vec<(String, String)>,
    /// `(view, field)` with `@map` from the previous schema.
    pub remapped_fields_in_view: Vec<(String, String)>,
    /// `(enum, value)` commented out.
    pub enum_values_with_empty_names: Vec<(String, String)>,
    /// Models without columns.
    pub models_without_columns: Vec<String>,
    /// Models without a usable identifier.
    pub models_without_identifiers: Vec<String>,
    /// Views without a usable identifier.
    pub views_without_identifiers: Vec<String>,
    /// Models whose `@@id` name came from the previous schema.
    pub reintrospected_id_names_in_model: Vec<String>,
    /// Views whose `@@id` name came from the previous schema.
    pub reintrospected_id_names_in_view: Vec<String>,
    /// `(model, field, type)` with an unsupported type.
    pub unsupported_types_in_model: Vec<(String, String, String)>,
    /// `(view, field, type)` with an unsupported type.
    pub unsupported_types_in_view: Vec<(String, String, String)>,
    /// Models with `@@map` from the previous schema.
    pub remapped_models: Vec<String>,
    /// Views with `@@map` from the previous schema.
    pub remapped_views: Vec<String>,
    /// `(enum, value)` with `@map` from the previous schema.
    pub remapped_values: Vec<(String, String)>,
    /// Enums with `@@map` from the previous schema.
    pub remapped_enums: Vec<String>,
    /// Models whose relations were copied from the previous schema.
    pub reintrospected_relations: Vec<String>,
    /// `(type, name)` renamed because of duplicate names.
    pub duplicate_names: Vec<(&'static str, String)>,
    /// Partitioned tables.
    pub partition_tables: Vec<String>,
    /// Tables with subclasses.
    pub inherited_tables: Vec<String>,
    /// `(index, column)` with a non-default NULLS position.
    pub non_default_index_null_sort_order: Vec<(String, String)>,
    /// Tables with row level security.
    pub row_level_security_tables: Vec<String>,
    /// `(model, constraint)` check constraints.
    pub check_constraints: Vec<(String, String)>,
    /// `(model, constraint)` exclusion constraints.
    pub exclusion_constraints: Vec<(String, String)>,
    /// `(model, constraint)` deferrable constraints.
    pub non_default_deferring: Vec<(String, String)>,
    /// `(type, name)` objects with a database comment.
    pub objects_with_comments: Vec<(&'static str, String)>,
    /// `(model, index)` expression indexes.
    pub expression_indexes: Vec<(String, String)>,
}

impl Warnings {
    /// Whether there is nothing to say.
    pub fn is_empty(&self) -> bool {
        *self == Warnings::default()
    }

    /// The text `db pull` prints: empty when there are no warnings.
    pub fn text(&self) -> String {
        if self.is_empty() {
            String::new()
        } else {
            self.to_string()
        }
    }
}

fn quoted(s: &str) -> String {
    format!("\"{s}\"")
}

fn group(
    f: &mut fmt::Formatter<'_>,
    message: &str,
    items: impl IntoIterator<Item = String>,
) -> fmt::Result {
    let items: Vec<String> = items.into_iter().collect();
    if items.is_empty() {
        return Ok(());
    }
    writeln!(f)?;
    f.write_str(message)?;
    writeln!(f)?;
    for item in items {
        writeln!(f, "  - {item}")?;
    }
    Ok(())
}

/// Fields grouped by model: `  - Model: "m", field(s): ["a", "b"]`, sorted.
fn grouped(
    f: &mut fmt::Formatter<'_>,
    message: &str,
    kind: &str,
    items: &[(String, String)],
) -> fmt::Result {
    if items.is_empty() {
        return Ok(());
    }
    let mut sorted: Vec<&(String, String)> = items.iter().collect();
    sorted.sort();
    sorted.dedup();
    f.write_str("\n")?;
    f.write_str(message)?;
    f.write_str("\n")?;
    let mut out = String::new();
    let mut key: Option<&str> = None;
    for (i, (k, field)) in sorted.iter().enumerate() {
        if key != Some(k.as_str()) {
            let _ = write!(out, "  - {kind}: \"{k}\", field(s): [");
            key = Some(k);
        }
        let _ = write!(out, "\"{field}\"");
        match sorted.get(i + 1) {
            Some((nk, _)) if Some(nk.as_str()) != key => out.push_str("]\n"),
            None => out.push_str("]\n"),
            Some(_) => out.push_str(", "),
        }
    }
    f.write_str(&out)
}

const EMPTY_NAMES: &str = "These fields were commented out because their names are currently not supported by Prisma. Please provide valid ones that match [a-zA-Z][a-zA-Z0-9_]* using the `@map` attribute:";

fn model_field((m, fl): &(String, String)) -> String {
    format!("Model: \"{m}\", field: \"{fl}\"")
}

fn view_field((m, fl): &(String, String)) -> String {
    format!("View: \"{m}\", field: \"{fl}\"")
}

fn enum_value((e, v): &(String, String)) -> String {
    format!("Enum: \"{e}\", value: \"{v}\"")
}

fn model_constraint((m, c): &(String, String)) -> String {
    format!("Model: \"{m}\", constraint: \"{c}\"")
}

fn object((t, n): &(&str, String)) -> String {
    format!("Type: \"{t}\", name: \"{n}\"")
}

impl Warnings {
    /// The groups about names: empty or unsupported names, names and ids taken from the previous
    /// schema, objects without columns or identifiers (the engine's order).
    fn fmt_names(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        grouped(
            f,
            EMPTY_NAMES,
            "Model",
            &self.fields_with_empty_names_in_model,
        )?;
        grouped(
            f,
            EMPTY_NAMES,
            "View",
            &self.fields_with_empty_names_in_view,
        )?;
        group(
            f,
            "These fields were enriched with `@map` information taken from the previous Prisma schema:",
            self.remapped_fields_in_model.iter().map(model_field),
        )?;
        group(
            f,
            "These fields were enriched with `@map` information taken from the previous Prisma schema:",
            self.remapped_fields_in_view.iter().map(view_field),
        )?;
        group(
            f,
            "These enum values were commented out because their names are currently not supported by Prisma. Please provide valid ones that match [a-zA-Z][a-zA-Z0-9_]* using the `@map` attribute:",
            self.enum_values_with_empty_names.iter().map(enum_value),
        )?;
        group(
            f,
            "The following models were commented out as we could not retrieve columns for them. Please check your privileges:",
            self.models_without_columns.iter().map(|m| quoted(m)),
        )?;
        group(
            f,
            "The following models were ignored as they do not have a valid unique identifier or id. This is currently not supported by Prisma Client:",
            self.models_without_identifiers.iter().map(|m| quoted(m)),
        )?;
        group(
            f,
            "The following views were ignored as they do not have a valid unique identifier or id. This is currently not supported by Prisma Client. Please refer to the documentation on defining unique identifiers in views: https://pris.ly/d/view-identifiers",
            self.views_without_identifiers.iter().map(|m| quoted(m)),
        )?;
        group(
            f,
            "These models were enriched with custom compound id names taken from the previous Prisma schema:",
            self.reintrospected_id_names_in_model.iter().map(|m| quoted(m)),
        )?;
        group(
            f,
            "These views were enriched with custom compound id names taken from the previous Prisma schema:",
            self.reintrospected_id_names_in_view.iter().map(|m| quoted(m)),
        )?;
        Ok(())
    }

    /// The groups about types, maps, relations and the features Prisma does not fully support.
    fn fmt_support(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        group(
            f,
            "These fields are not supported by Prisma Client, because Prisma currently does not support their types:",
            self.unsupported_types_in_model.iter().map(|(m, fl, t)| {
                format!("Model: \"{m}\", field: \"{fl}\", original data type: \"{t}\"")
            }),
        )?;
        group(
            f,
            "These fields are not supported by Prisma Client, because Prisma currently does not support their types:",
            self.unsupported_types_in_view.iter().map(|(m, fl, t)| {
                format!("View: \"{m}\", field: \"{fl}\", original data type: \"{t}\"")
            }),
        )?;
        group(
            f,
            "These models were enriched with `@@map` information taken from the previous Prisma schema:",
            self.remapped_models.iter().map(|m| quoted(m)),
        )?;
        group(
            f,
            "These views were enriched with `@@map` information taken from the previous Prisma schema:",
            self.remapped_views.iter().map(|m| quoted(m)),
        )?;
        group(
            f,
            "These enum values were enriched with `@map` information taken from the previous Prisma schema:",
            self.remapped_values.iter().map(enum_value),
        )?;
        group(
            f,
            "These enums were enriched with `@@map` information taken from the previous Prisma schema:",
            self.remapped_enums.iter().map(|m| quoted(m)),
        )?;
        group(
            f,
            "Relations were copied from the previous data model due to not using foreign keys in the database. If any of the relation columns changed in the database, the relations might not be correct anymore:",
            self.reintrospected_relations.iter().map(|m| quoted(m)),
        )?;
        group(
            f,
            "These items were renamed due to their names being duplicates in the Prisma schema:",
            self.duplicate_names.iter().map(object),
        )?;
        group(
            f,
            "These tables are partition tables, which are not yet fully supported:",
            self.partition_tables.iter().map(|m| quoted(m)),
        )?;
        group(
            f,
            "These tables are inherited tables, which are not yet fully supported:",
            self.inherited_tables.iter().map(|m| quoted(m)),
        )?;
        group(
            f,
            "These index columns are having a non-default null sort order, which is not yet fully supported. Read more: https://pris.ly/d/non-default-index-null-ordering",
            self.non_default_index_null_sort_order
                .iter()
                .map(|(i, c)| format!("Index: \"{i}\", column: \"{c}\"")),
        )?;
        group(
            f,
            "These tables contain row level security, which is not yet fully supported. Read more: https://pris.ly/d/row-level-security",
            self.row_level_security_tables.iter().map(|m| quoted(m)),
        )?;
        group(
            f,
            "These constraints are not supported by Prisma Client, because Prisma currently does not fully support check constraints. Read more: https://pris.ly/d/check-constraints",
            self.check_constraints.iter().map(model_constraint),
        )?;
        group(
            f,
            "These constraints are not supported by Prisma Client, because Prisma currently does not fully support exclusion constraints. Read more: https://pris.ly/d/exclusion-constraints",
            self.exclusion_constraints.iter().map(model_constraint),
        )?;
        group(
            f,
            "These primary key, foreign key or unique constraints are using non-default deferring in the database, which is not yet fully supported. Read more: https://pris.ly/d/constraint-deferring",
            self.non_default_deferring.iter().map(model_constraint),
        )?;
        group(
            f,
            "These objects have comments defined in the database, which is not yet fully supported. Read more: https://pris.ly/d/database-comments",
            self.objects_with_comments.iter().map(object),
        )?;
        group(
            f,
            "These indexes are not supported by Prisma Client, because Prisma currently does not fully support expression indexes. Read more: https://pris.ly/d/expression-indexes",
            self.expression_indexes.iter().map(model_constraint),
        )?;
        Ok(())
    }
}

impl fmt::Display for Warnings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("*** WARNING ***\n")?;
        self.fmt_names(f)?;
        self.fmt_support(f)
    }
}
