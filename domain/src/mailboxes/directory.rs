//! Searching the directory: one page of mailboxes for a query, in the
//! viewer's scope.
use super::{kind_of, status_of, Scope};
use crate::auth::Actor;
use crate::entities::{mailbox, person, unit};
use crate::{AppState, DomainResult};
use chrono::{NaiveDate, TimeZone};
use model::{MailboxPage, MailboxQuery, MailboxRow, MailboxSort, MailboxStatus};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Select};
use std::collections::HashMap;

/// Mailboxes on one directory page.
pub const PAGE_SIZE: u64 = 50;

/// What the search box holds, read the way an officer types it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text {
    Nothing,
    /// 18 digits: a NIP, matched whole.
    Nip(String),
    /// 4 to 12 digits (spaces and dashes allowed): the end of the reset phone.
    PhoneEnd(String),
    /// Anything else: part of the address or of the owner's name, any case.
    Words(String),
}

impl Text {
    pub fn read(input: &str) -> Text {
        let t = input.trim();
        if t.is_empty() {
            return Text::Nothing;
        }
        let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
        let only_digits = t.chars().all(|c| c.is_ascii_digit() || " -+".contains(c));
        match digits.len() {
            18 if only_digits => Text::Nip(digits),
            4..=12 if only_digits => Text::PhoneEnd(digits),
            _ => Text::Words(t.to_lowercase()),
        }
    }
}

/// The digits a stored `+62…` number ends with: a whole number typed the
/// national way (`0812…`, `62812…`) loses its prefix, a tail stays as typed.
fn phone_end(digits: &str) -> &str {
    if digits.starts_with("08") {
        &digits[1..]
    } else if digits.starts_with("628") {
        &digits[2..]
    } else {
        digits
    }
}

/// LIKE's escape character differs between SQLite and PostgreSQL; a search
/// has no use for wildcards, so they are dropped (`_` matches itself anyway).
fn like_escape(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '%' | '\\')).collect()
}

/// The filters of `query` on a `mailboxes` select.
pub async fn filtered(state: &AppState, scope: &Scope, query: &MailboxQuery) -> DomainResult<Select<mailbox::Entity>> {
    let mut q = mailbox::Entity::find();
    if let Scope::Units(units) = scope {
        q = q.filter(mailbox::Column::UnitId.is_in(units.clone()));
    }
    match Text::read(&query.text) {
        Text::Nothing => {}
        Text::Nip(nip) => {
            let owner = person::Entity::find().filter(person::Column::Nip.eq(nip)).one(&state.db).await?.map(|p| p.id);
            q = q.filter(mailbox::Column::PersonId.eq(owner.unwrap_or(-1)));
        }
        Text::PhoneEnd(digits) => q = q.filter(mailbox::Column::ResetPhone.like(format!("%{}", phone_end(&digits)))),
        Text::Words(w) => {
            let pattern = format!("%{}%", like_escape(&w));
            q = q.filter(
                Condition::any()
                    .add(mailbox::Column::Address.like(pattern.clone()))
                    .add(Expr::expr(Func::lower(Expr::col((mailbox::Entity, mailbox::Column::DisplayName)))).like(pattern)),
            );
        }
    }
    if let Some(kind) = query.kind {
        q = q.filter(mailbox::Column::Kind.eq(kind.as_str()));
    }
    let today = state.local_date();
    let not_ended = Condition::any().add(mailbox::Column::EndsOn.is_null()).add(mailbox::Column::EndsOn.gte(today));
    q = match query.status {
        None => q,
        Some(MailboxStatus::Disabled) => q.filter(mailbox::Column::Status.eq("disabled")),
        Some(MailboxStatus::Active) => q.filter(mailbox::Column::Status.eq("active")).filter(not_ended),
        Some(MailboxStatus::Pending) => q.filter(mailbox::Column::Status.eq("pending")).filter(not_ended),
        Some(MailboxStatus::Expired) => q.filter(mailbox::Column::Status.ne("disabled")).filter(mailbox::Column::EndsOn.lt(today)),
    };
    if let Some(unit_id) = query.unit_id {
        q = q.filter(mailbox::Column::UnitId.eq(unit_id));
    }
    if let Some((from, to)) = query.created_month.as_deref().and_then(|m| month_bounds(state, m)) {
        q = q.filter(mailbox::Column::CreatedAt.gte(from)).filter(mailbox::Column::CreatedAt.lt(to));
    }
    Ok(match query.sort {
        MailboxSort::Address => q.order_by_asc(mailbox::Column::Address),
        MailboxSort::Name => q.order_by_asc(mailbox::Column::DisplayName).order_by_asc(mailbox::Column::Address),
        MailboxSort::Newest => q.order_by_desc(mailbox::Column::Id),
    })
}

/// The first instant of month `YYYY-MM` and of the next, in the office's time zone.
fn month_bounds(state: &AppState, month: &str) -> Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d").ok()?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    let at = |d: NaiveDate| state.offset().from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single().map(|t| t.with_timezone(&chrono::Utc));
    Some((at(first)?, at(next)?))
}

pub async fn page(state: &AppState, actor: &Actor, query: &MailboxQuery) -> DomainResult<MailboxPage> {
    let scope = Scope::of(actor)?;
    let pages = filtered(state, &scope, query).await?.paginate(&state.db, PAGE_SIZE);
    let total = pages.num_items().await?;
    let found = pages.fetch_page(query.page).await?;
    let mut unit_ids: Vec<i32> = found.iter().filter_map(|m| m.unit_id).collect();
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let units: HashMap<i32, String> =
        unit::Entity::find().filter(unit::Column::Id.is_in(unit_ids)).all(&state.db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let today = state.local_date();
    let rows = found
        .into_iter()
        .map(|m| MailboxRow {
            id: m.id,
            kind: kind_of(&m),
            status: status_of(&m, today),
            unit: m.unit_id.and_then(|u| units.get(&u).cloned()),
            created_at: state.local_time(m.created_at),
            address: m.address,
            name: m.display_name,
        })
        .collect();
    Ok(MailboxPage { rows, total, page_size: PAGE_SIZE })
}

#[cfg(test)]
mod tests {
    use super::Text;

    #[test]
    fn the_search_box_reads_like_an_officer_types() {
        assert_eq!(Text::read("  "), Text::Nothing);
        assert_eq!(Text::read("198703152010011003"), Text::Nip("198703152010011003".into()));
        assert_eq!(Text::read("0002"), Text::PhoneEnd("0002".into()));
        assert_eq!(Text::read("7300-0002"), Text::PhoneEnd("73000002".into()));
        assert_eq!(Text::read("123"), Text::Words("123".into()), "too short for a phone end");
        assert_eq!(Text::read("Yusuf.Hakim@"), Text::Words("yusuf.hakim@".into()));
        assert_eq!(Text::read("budi 2"), Text::Words("budi 2".into()));
    }

    #[test]
    fn phone_ends_match_the_stored_numbers() {
        use super::phone_end;
        assert_eq!(phone_end("0001"), "0001");
        assert_eq!(phone_end("081290000001"), "81290000001");
        assert_eq!(phone_end("6281290000001"), "81290000001");
        assert_eq!(phone_end("90000001"), "90000001");
    }
}
