//! The directory's filtered list as a file (XLSX or CSV), for officers'
//! reports: the same query as the page, every page at once, written with
//! the recaps' formula-safe cells.
use super::directory::filtered;
use super::{kind_of, status_of, Scope};
use crate::auth::Actor;
use crate::entities::{mailbox, person, unit};
use crate::reports::safe_cell;
use crate::{AppState, DomainError, DomainResult};
use model::MailboxQuery;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

/// At most this many rows in one file; the page says to narrow the search beyond it.
pub const MAX_ROWS: u64 = 100_000;

const HEADERS: [&str; 9] = ["Alamat", "Nama", "NIP", "Unit kerja", "Jenis", "Status", "Kuota (MB)", "Berlaku sampai", "Dibuat"];

/// One exported line, as text.
pub struct Line(pub [String; 9]);

pub async fn lines(state: &AppState, actor: &Actor, query: &MailboxQuery) -> DomainResult<Vec<Line>> {
    let scope = Scope::of(actor)?;
    let found: Vec<mailbox::Model> = filtered(state, &scope, query).await?.limit(MAX_ROWS).all(&state.db).await?;
    let mut people: HashMap<i32, Option<String>> = HashMap::new();
    let mut units: HashMap<i32, String> = HashMap::new();
    let person_ids: Vec<i32> = found.iter().filter_map(|m| m.person_id).collect();
    for chunk in person_ids.chunks(500) {
        for p in person::Entity::find().filter(person::Column::Id.is_in(chunk.to_vec())).all(&state.db).await? {
            people.insert(p.id, p.nip);
        }
    }
    for u in unit::Entity::find().all(&state.db).await? {
        units.insert(u.id, u.name);
    }
    let today = state.local_date();
    Ok(found
        .into_iter()
        .map(|m| {
            Line([
                m.address.clone(),
                m.display_name.clone(),
                m.person_id.and_then(|p| people.get(&p).cloned().flatten()).unwrap_or_default(),
                m.unit_id.and_then(|u| units.get(&u).cloned()).unwrap_or_default(),
                kind_of(&m).as_str().to_string(),
                status_of(&m, today).as_str().to_string(),
                m.quota_mb.to_string(),
                m.ends_on.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                state.local_time(m.created_at),
            ])
        })
        .collect())
}

/// The file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

/// The file for `query`, recorded in the audit log (personal data leaves Surel).
pub async fn file(state: &AppState, actor: &Actor, query: &MailboxQuery, format: Format) -> DomainResult<Vec<u8>> {
    let lines = lines(state, actor, query).await?;
    let bytes = match format {
        Format::Xlsx => xlsx(&lines)?,
        Format::Csv => csv(&lines)?,
    };
    let mut change = crate::audit::Change::begin(state, actor.who()).await?;
    let details = serde_json::json!({ "rows": lines.len(), "format": format!("{format:?}").to_lowercase(), "query": query });
    change.log("mailbox.exported", "mailbox", "list", details).await?;
    change.commit().await?;
    Ok(bytes)
}

/// CSV with a UTF-8 mark so spreadsheet programs read the names right.
pub fn csv(lines: &[Line]) -> DomainResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(HEADERS).map_err(anyhow::Error::from)?;
    for l in lines {
        w.write_record(l.0.iter().map(|c| safe_cell(c))).map_err(anyhow::Error::from)?;
    }
    Ok(w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)
}

/// XLSX: every cell a string (no formula is ever evaluated), the quota a number.
pub fn xlsx(lines: &[Line]) -> DomainResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| DomainError::Other(anyhow::anyhow!("xlsx: {e}"));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name("Akun email").map_err(x)?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(x)?;
    }
    for (i, l) in lines.iter().enumerate() {
        let n = 1 + i as u32;
        for (c, cell) in l.0.iter().enumerate() {
            match (c, cell.parse::<f64>()) {
                (6, Ok(q)) => sheet.write_number(n, c as u16, q).map_err(x)?,
                _ => sheet.write_string(n, c as u16, cell).map_err(x)?,
            };
        }
    }
    for (c, w) in [(0u16, 34.0), (1, 28.0), (2, 20.0), (3, 30.0)] {
        sheet.set_column_width(c, w).map_err(x)?;
    }
    book.save_to_buffer().map_err(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exported_cells_cannot_become_formulas() {
        let mut cells: [String; 9] = Default::default();
        cells[1] = "=HYPERLINK(\"http://x\")".into();
        let out = String::from_utf8(csv(&[Line(cells)]).unwrap()).unwrap();
        assert!(out.contains("'=HYPERLINK"), "{out}");
        assert!(out.starts_with('\u{feff}'));
    }
}
