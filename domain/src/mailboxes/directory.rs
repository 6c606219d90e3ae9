//! Searching the directory: one page of mailboxes for a query, in the
//! viewer's scope.
use super::{kind_of, status_of, Scope};
use crate::auth::Actor;
use crate::entities::{mailbox, person, unit};
use crate::{AppState, DomainResult};
use chrono::{NaiveDate, TimeZone};
use model::{MailboxPage, MailboxQuery, MailboxRow, MailboxSort, MailboxStatus};
use sea_orm::sea_query::{Alias, Expr, JoinType, UnionType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
};
use std::collections::HashMap;

/// Mailboxes on one directory page.
pub const PAGE_SIZE: u64 = 50;
/// Matches counted at most: past this the page says "more than" and asks
/// for a narrower search (counting a million rows would cost more than the
/// search itself).
pub const COUNT_CAP: u64 = 1_000;

/// What the search box holds, read the way an officer types it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text {
    Nothing,
    /// 18 digits: a NIP, matched whole.
    Nip(String),
    /// 4 to 12 digits (spaces and dashes allowed): the end of the reset phone.
    PhoneEnd(String),
    /// Anything else: part of the address or of the owner's name, any case
    /// (one or two letters: the start of the address).
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

/// PostgreSQL: `w` (already without `%` and `\\`) as a LIKE pattern's
/// middle. `_` is taken literally (backslash is PostgreSQL's LIKE escape),
/// so it cannot stand for the separator between address and name, which
/// is itself dropped.
fn pg_like(w: &str) -> String {
    w.chars().filter(|c| *c != '\u{1}').map(|c| if c == '_' { "\\_".to_string() } else { c.to_string() }).collect()
}

/// Units named in a search index query at most; a wider scope is left to
/// the `unit_id` filter alone (an OR of hundreds of phrases costs more than
/// it saves).
const MAX_UNIT_TAGS: usize = 32;

/// The units a search is limited to, for the index's unit tags: the chosen
/// unit, else the viewer's units; `None` when any unit will do.
fn search_units(scope: &Scope, query: &MailboxQuery) -> Option<Vec<i32>> {
    match (query.unit_id, scope) {
        (Some(unit), _) => Some(vec![unit]),
        (None, Scope::Units(units)) if !units.is_empty() && units.len() <= MAX_UNIT_TAGS => Some(units.clone()),
        _ => None,
    }
}

/// The FTS5 query: `text` as one phrase in `columns`, and, when the search
/// is limited to `units`, one of their tags (migration 000015) in
/// `unit_tag`. Phrases are quoted, so nothing typed is read as syntax.
fn search_phrase(columns: &str, text: &str, units: Option<&[i32]>) -> String {
    let words = format!("{{{columns}}} : \"{}\"", text.replace('"', "\"\""));
    match units {
        None => words,
        Some(units) => {
            let tags: Vec<String> = units.iter().map(|u| format!("\"~{u}~\"")).collect();
            // the tag first: FTS5 then walks the word's matches within the
            // unit's list (measured 5 ms against 8 ms the other way round)
            format!("unit_tag : ({}) AND {words}", tags.join(" OR "))
        }
    }
}

/// SQLite: only the mailboxes whose `columns` (of the FTS5 trigram table,
/// see migrations 000010 and 000015) contain `text`, any case, in one of
/// `units` if given; three characters at least. A join, not `id IN (…)`:
/// the FTS table then drives the query and the capped count stops after its
/// first rows, where the subquery had to collect every match first (25,000
/// for a common name in a million). The unit tags keep a small unit's search
/// from reading a common word's matches in every other unit.
///
/// With units named, the search index is made the outer loop (SQLite's
/// `CROSS JOIN` keeps the order written): word and unit there cost at most
/// the unit's tag list, while the planner, left to itself on a small or
/// unanalysed database, may walk the unit's rows and query the index once
/// per row (5 s for a unit of 125,000).
fn in_search_index(mut q: Select<mailbox::Entity>, columns: &str, text: &str, units: Option<&[i32]>) -> Select<mailbox::Entity> {
    let phrase = search_phrase(columns, text, units);
    let on = Expr::cust("\"mailbox_search\".\"rowid\" = \"mailboxes\".\"id\"");
    let select = QueryTrait::query(&mut q);
    if units.is_some() {
        select.from_clear().from(Alias::new("mailbox_search")).join(JoinType::CrossJoin, mailbox::Entity, on);
    } else {
        select.join(JoinType::InnerJoin, Alias::new("mailbox_search"), on);
    }
    select.and_where(Expr::cust_with_values("\"mailbox_search\" MATCH ?", [phrase]));
    q
}

/// The filters and the order of `query` on a `mailboxes` select.
pub async fn filtered(state: &AppState, scope: &Scope, query: &MailboxQuery) -> DomainResult<Select<mailbox::Entity>> {
    Ok(sorted(matching(state, scope, query).await?, query.sort))
}

/// The filters of `query` on a `mailboxes` select, unordered.
pub async fn matching(state: &AppState, scope: &Scope, query: &MailboxQuery) -> DomainResult<Select<mailbox::Entity>> {
    Ok(filters(state, scope, query).await?.whole())
}

/// The filters of a search, with PostgreSQL's text search kept apart: it is
/// asked part by part (migration 000016) where only the first matches are
/// wanted, as one condition over all parts elsewhere.
#[derive(Clone)]
struct Filters {
    /// Every other filter.
    rest: Select<mailbox::Entity>,
    /// PostgreSQL: the `LIKE` pattern over [`migrations::SEARCH_TEXT`].
    pg_text: Option<String>,
}

impl Filters {
    /// The text in part `k` of the search index.
    fn in_part(pattern: &str, k: i32) -> Condition {
        Condition::all().add(Expr::cust(migrations::search_part(k))).add(Expr::expr(Expr::cust(migrations::SEARCH_TEXT)).like(pattern))
    }

    /// All the filters as one select: the text in any part (PostgreSQL
    /// combines the parts' bitmaps).
    fn whole(self) -> Select<mailbox::Entity> {
        match self.pg_text {
            None => self.rest,
            Some(pattern) => {
                let any = (0..migrations::SEARCH_PARTS).fold(Condition::any(), |any, k| any.add(Self::in_part(&pattern, k)));
                self.rest.filter(any)
            }
        }
    }
}

async fn filters(state: &AppState, scope: &Scope, query: &MailboxQuery) -> DomainResult<Filters> {
    let sqlite = state.db.get_database_backend() == DatabaseBackend::Sqlite;
    let mut q = mailbox::Entity::find();
    let mut pg_text = None;
    let units = search_units(scope, query);
    if let Scope::Units(units) = scope {
        q = q.filter(mailbox::Column::UnitId.is_in(units.clone()));
    }
    match Text::read(&query.text) {
        Text::Nothing => {}
        Text::Nip(nip) => {
            let owner = person::Entity::find().filter(person::Column::Nip.eq(nip)).one(&state.db).await?.map(|p| p.id);
            q = q.filter(mailbox::Column::PersonId.eq(owner.unwrap_or(-1)));
        }
        Text::PhoneEnd(digits) => {
            let end = phone_end(&digits).to_string();
            // the last four digits are indexed (migration 000010); longer ends are checked on those rows
            let tail = &end[end.len() - 4..];
            // written as in the index (literal constants), the value bound
            let tail_expr = if sqlite { "substr(\"mailboxes\".\"reset_phone\", -4)" } else { "right(\"mailboxes\".\"reset_phone\", 4)" };
            q = q.filter(Expr::cust(tail_expr).eq(tail.to_string()));
            q = q.filter(mailbox::Column::ResetPhone.like(format!("%{end}")));
        }
        Text::Words(w) => {
            let w = like_escape(&w);
            if w.chars().count() < 3 {
                // too short for a trigram: the start of the address, on its unique index
                q = q.filter(mailbox::Column::Address.gte(w.clone())).filter(mailbox::Column::Address.lt(format!("{w}\u{10FFFF}")));
            } else if let Some((local, _)) = w.split_once('@').filter(|(l, _)| l.chars().count() >= 3) {
                // an address: the domain's trigrams are in every row, so the
                // index looks for the local part and the row is checked whole
                // (PostgreSQL, one whole address: 1.6 → 0.6 ms a part)
                q = q.filter(mailbox::Column::Address.like(format!("%{w}%")));
                let local = format!("{local}@");
                if sqlite {
                    q = in_search_index(q, "address", &local, units.as_deref());
                } else {
                    pg_text = Some(format!("%{}%", pg_like(&local)));
                }
            } else if sqlite {
                q = in_search_index(q, "address display_name", &w, units.as_deref());
            } else {
                // address and name in one LIKE on the trigram index of migrations 000013 and 000016
                pg_text = Some(format!("%{}%", pg_like(&w)));
            }
        }
    }
    if let Some(kind) = query.kind {
        q = q.filter(mailbox::Column::Kind.eq(kind.as_str()));
    }
    let today = state.local_date();
    let not_ended = Condition::any().add(mailbox::Column::EndsOn.is_null()).add(mailbox::Column::EndsOn.gte(today));
    q = match query.status {
        None => q,
        Some(MailboxStatus::Disabled) => q.filter(mailbox::Column::Status.eq("disabled")).filter(mailbox::Column::MarkedForDeletionAt.is_null()),
        Some(MailboxStatus::MarkedForDeletion) => q.filter(super::listed_for_deletion()),
        Some(MailboxStatus::Deleted) => q.filter(mailbox::Column::Status.eq("deleted")),
        Some(MailboxStatus::Active) => q.filter(mailbox::Column::Status.eq("active")).filter(not_ended),
        Some(MailboxStatus::Pending) => q.filter(mailbox::Column::Status.eq("pending")).filter(not_ended),
        Some(MailboxStatus::Expired) => q.filter(mailbox::Column::Status.is_in(["active", "pending"])).filter(mailbox::Column::EndsOn.lt(today)),
    };
    if let Some(unit_id) = query.unit_id {
        q = q.filter(mailbox::Column::UnitId.eq(unit_id));
    }
    if let Some((from, to)) = query.created_month.as_deref().and_then(|m| month_bounds(state, m)) {
        q = q.filter(mailbox::Column::CreatedAt.gte(from)).filter(mailbox::Column::CreatedAt.lt(to));
    }
    Ok(Filters { rest: q, pg_text })
}

/// Mailboxes in `scope` listed for deletion, waiting for a person's decision.
async fn awaiting_deletion(state: &AppState, scope: &Scope) -> DomainResult<u64> {
    let mut q = mailbox::Entity::find().filter(super::listed_for_deletion());
    if let Scope::Units(units) = scope {
        q = q.filter(mailbox::Column::UnitId.is_in(units.clone()));
    }
    Ok(q.count(&state.db).await?)
}

fn sorted(q: Select<mailbox::Entity>, sort: MailboxSort) -> Select<mailbox::Entity> {
    match sort {
        MailboxSort::Address => q.order_by_asc(mailbox::Column::Address),
        MailboxSort::Name => q.order_by_asc(mailbox::Column::DisplayName).order_by_asc(mailbox::Column::Address),
        MailboxSort::Newest => q.order_by_desc(mailbox::Column::Id),
    }
}

/// One of the first matches: what the page's order needs.
type Match = (i32, String, String);

/// The first [`COUNT_CAP`] + 1 mailboxes that match, in the cheapest order
/// the indexes give (for one or two letters: the address index, which is in
/// address order anyway): their number is the capped count, and a page of
/// them is sorted here rather than fetched again in order.
///
/// PostgreSQL's text search asks the index's parts one after the other
/// (`UNION ALL`, whose branches PostgreSQL runs in order and only as far as
/// `LIMIT` needs): a common word stops in its first part instead of
/// collecting every match in the index first.
async fn first_matches(state: &AppState, filters: Filters, query: &MailboxQuery) -> DomainResult<Vec<Match>> {
    let short = matches!(Text::read(&query.text), Text::Words(w) if w.chars().count() < 3);
    let columns =
        |q: Select<mailbox::Entity>| q.select_only().column(mailbox::Column::Id).column(mailbox::Column::Address).column(mailbox::Column::DisplayName);
    let mut q = match &filters.pg_text {
        None => columns(filters.whole()),
        Some(pattern) => {
            let part = |k| columns(filters.rest.clone().filter(Filters::in_part(pattern, k)));
            let mut first = part(0);
            let select = QueryTrait::query(&mut first);
            for k in 1..migrations::SEARCH_PARTS {
                select.union(UnionType::All, part(k).into_query());
            }
            first
        }
    };
    if short {
        q = q.order_by_asc(mailbox::Column::Address);
    }
    Ok(q.limit(COUNT_CAP + 1).into_tuple::<Match>().all(&state.db).await?)
}

/// `matches` in the page's order (the same as [`sorted`] gives on SQLite
/// and on PostgreSQL with the C collation).
fn sort_matches(matches: &mut [Match], sort: MailboxSort) {
    match sort {
        MailboxSort::Address => matches.sort_by(|a, b| a.1.cmp(&b.1)),
        MailboxSort::Name => matches.sort_by(|a, b| (&a.2, &a.1).cmp(&(&b.2, &b.1))),
        MailboxSort::Newest => matches.sort_by_key(|m| std::cmp::Reverse(m.0)),
    }
}

/// Whether the page is sorted among the first matches rather than among all:
/// a text or month search past the cap would otherwise sort tens of
/// thousands of rows for one page (the page says "more than", narrow it).
/// Other filters have indexes in the sort's order and page over everything.
fn sorts_first_matches(query: &MailboxQuery) -> bool {
    !matches!(Text::read(&query.text), Text::Nothing) || query.created_month.is_some()
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
    let filters = filters(state, &scope, query).await?;
    let mut firsts = first_matches(state, filters.clone(), query).await?;
    let q = filters.whole();
    let more = firsts.len() as u64 > COUNT_CAP;
    firsts.truncate(COUNT_CAP as usize);
    let total = firsts.len() as u64;
    // pages past the counted ones hold nothing to show
    let page = query.page.min(total.div_ceil(PAGE_SIZE).max(1) - 1);
    let found = if more && !sorts_first_matches(query) {
        sorted(q, query.sort).offset(page * PAGE_SIZE).limit(PAGE_SIZE).all(&state.db).await?
    } else {
        sort_matches(&mut firsts, query.sort);
        let ids: Vec<i32> = firsts.iter().skip((page * PAGE_SIZE) as usize).take(PAGE_SIZE as usize).map(|m| m.0).collect();
        let mut rows = mailbox::Entity::find().filter(mailbox::Column::Id.is_in(ids.clone())).all(&state.db).await?;
        rows.sort_by_key(|m| ids.iter().position(|id| *id == m.id));
        rows
    };
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
    let awaiting_deletion = awaiting_deletion(state, &scope).await?;
    Ok(MailboxPage { rows, total, more, page_size: PAGE_SIZE, awaiting_deletion })
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
    fn postgres_patterns_take_underscores_literally_and_never_the_separator() {
        assert_eq!(super::pg_like("budi_s"), "budi\\_s");
        assert_eq!(super::pg_like("id\u{1}budi"), "idbudi");
    }

    #[test]
    fn a_page_of_the_first_matches_is_sorted_like_the_database_sorts() {
        use model::MailboxSort;
        let mut m = vec![(3, "b@x".to_string(), "Ani".to_string()), (1, "c@x".into(), "Ani".into()), (2, "a@x".into(), "Budi".into())];
        super::sort_matches(&mut m, MailboxSort::Address);
        assert_eq!(m.iter().map(|x| x.0).collect::<Vec<_>>(), [2, 3, 1]);
        super::sort_matches(&mut m, MailboxSort::Name);
        assert_eq!(m.iter().map(|x| x.0).collect::<Vec<_>>(), [3, 1, 2], "by name, then address");
        super::sort_matches(&mut m, MailboxSort::Newest);
        assert_eq!(m.iter().map(|x| x.0).collect::<Vec<_>>(), [3, 2, 1]);
    }

    #[test]
    fn phone_ends_match_the_stored_numbers() {
        use super::phone_end;
        assert_eq!(phone_end("0001"), "0001");
        assert_eq!(phone_end("081290000001"), "81290000001");
        assert_eq!(phone_end("6281290000001"), "81290000001");
        assert_eq!(phone_end("90000001"), "90000001");
    }

    /// The trigram index (SQLite FTS5) finds parts of addresses, names and
    /// phone ends, follows renames, and takes any character typed.
    #[tokio::test]
    async fn search_uses_the_index_and_follows_changes() {
        use crate::entities::mailbox;
        use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
        let (state, _clock) = crate::testing::state_with_clock().await;
        let admin = crate::testing::staff_actor(&state, "andi.pratama@batam.go.id").await;
        let find = |text: &str| {
            let q = model::MailboxQuery { text: text.into(), ..Default::default() };
            let state = state.clone();
            let admin = admin.clone();
            async move { super::page(&state, &admin, &q).await.unwrap().rows.into_iter().map(|r| r.address).collect::<Vec<_>>() }
        };
        assert_eq!(find("HAKIM@").await, vec!["yusuf.hakim@batam.go.id"], "part of the address, any case");
        assert!(find("fhak").await.is_empty(), "the characters in their order, not loose words");
        assert_eq!(find("uf Hak").await, vec!["yusuf.hakim@batam.go.id"], "part of the name");
        assert_eq!(find("yu").await, vec!["yusuf.hakim@batam.go.id"], "two letters: the start of the address");
        assert_eq!(find("9000 0001").await, vec!["yusuf.hakim@batam.go.id"], "the phone's end, as people write it");
        assert!(find("9000").await.is_empty(), "the middle of a phone is no end");
        for odd in ["\"", "a\"b\"c", "NEAR(x)", "*", "{address}:x", "%%%", "' OR 1=1 --"] {
            let _ = find(odd).await; // no error, whatever is typed
        }
        let m = mailbox::Entity::find().filter(mailbox::Column::Address.eq("yusuf.hakim@batam.go.id")).one(&state.db).await.unwrap().unwrap();
        let mut am: mailbox::ActiveModel = m.into();
        am.display_name = Set("Yusuf Abdurrahman".into());
        am.update(&state.db).await.unwrap();
        assert!(find("hakim yus").await.is_empty());
        assert_eq!(find("abdurrahman").await, vec!["yusuf.hakim@batam.go.id"], "the index follows a rename");
        assert!(find("Yusuf Hakim").await.is_empty(), "and forgets the old name");
    }

    #[test]
    fn unit_limited_searches_name_the_units_in_the_index() {
        use super::{search_phrase, search_units, Scope};
        assert_eq!(search_phrase("address", "a\"b", None), "{address} : \"a\"\"b\"");
        assert_eq!(search_phrase("address display_name", "budi", Some(&[1, 12])), "unit_tag : (\"~1~\" OR \"~12~\") AND {address display_name} : \"budi\"");
        let q = |unit_id| model::MailboxQuery { unit_id, ..Default::default() };
        assert_eq!(search_units(&Scope::All, &q(None)), None);
        assert_eq!(search_units(&Scope::All, &q(Some(3))), Some(vec![3]));
        assert_eq!(search_units(&Scope::Units(vec![4, 5]), &q(None)), Some(vec![4, 5]));
        assert_eq!(search_units(&Scope::Units(vec![4, 5]), &q(Some(4))), Some(vec![4]), "the chosen unit narrows the scope");
        assert_eq!(search_units(&Scope::Units(vec![]), &q(None)), None, "no units: the SQL filter alone (it finds nothing)");
        assert_eq!(search_units(&Scope::Units((1..=40).collect()), &q(None)), None, "too many to name");
    }

    /// A search in one unit finds that unit's mailboxes only, unit 1 is not
    /// unit 11, and the index follows a mailbox moved to another unit.
    #[tokio::test]
    async fn unit_searches_follow_moves_and_tell_units_apart() {
        use crate::entities::{mailbox, unit};
        use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
        let (state, _clock) = crate::testing::state_with_clock().await;
        let admin = crate::testing::staff_actor(&state, "andi.pratama@batam.go.id").await;
        let now = state.now();
        for (id, code) in [(1001, "T1"), (10011, "T11")] {
            unit::ActiveModel { id: Set(id), code: Set(code.into()), name: Set(format!("Unit {code}")), created_at: Set(now), ..Default::default() }
                .insert(&state.db)
                .await
                .unwrap();
        }
        let yusuf = mailbox::Entity::find().filter(mailbox::Column::Address.eq("yusuf.hakim@batam.go.id")).one(&state.db).await.unwrap().unwrap();
        let find = |text: &str, unit_id: i32| {
            let q = model::MailboxQuery { text: text.into(), unit_id: Some(unit_id), ..Default::default() };
            let state = state.clone();
            let admin = admin.clone();
            async move { super::page(&state, &admin, &q).await.unwrap().rows.into_iter().map(|r| r.address).collect::<Vec<_>>() }
        };
        let mut am: mailbox::ActiveModel = yusuf.into();
        am.unit_id = Set(Some(10011));
        am.update(&state.db).await.unwrap();
        assert_eq!(find("hakim", 10011).await, vec!["yusuf.hakim@batam.go.id"]);
        assert_eq!(find("hakim@", 10011).await, vec!["yusuf.hakim@batam.go.id"], "an address search too");
        assert!(find("hakim", 1001).await.is_empty(), "unit 1001's tag is not a part of 10011's");
        let moved = mailbox::Entity::find().filter(mailbox::Column::Address.eq("yusuf.hakim@batam.go.id")).one(&state.db).await.unwrap().unwrap();
        let mut am: mailbox::ActiveModel = moved.into();
        am.unit_id = Set(Some(1001));
        am.update(&state.db).await.unwrap();
        assert_eq!(find("hakim", 1001).await, vec!["yusuf.hakim@batam.go.id"], "the index follows the move");
        assert!(find("hakim", 10011).await.is_empty(), "and forgets the old unit");
    }

    /// Searching one unit starts from the search index whatever the
    /// planner would guess (here: a database of a few rows, analysed).
    #[tokio::test]
    async fn a_unit_search_starts_from_the_index() {
        use sea_orm::{ConnectionTrait, DatabaseBackend, QueryTrait};
        let (state, _clock) = crate::testing::state_with_clock().await;
        crate::db::refresh_statistics(&state.db).await.unwrap();
        let q = model::MailboxQuery { text: "hakim".into(), unit_id: Some(1), ..Default::default() };
        let mut stmt = super::matching(&state, &super::Scope::All, &q).await.unwrap().build(DatabaseBackend::Sqlite);
        stmt.sql = format!("EXPLAIN QUERY PLAN {}", stmt.sql);
        let plan = state.db.query_all(stmt).await.unwrap();
        let steps: Vec<String> = plan.iter().map(|r| r.try_get::<String>("", "detail").unwrap()).collect();
        assert!(steps[0].contains("mailbox_search"), "the search index drives: {steps:?}");
        assert!(steps[1].contains("mailboxes USING INTEGER PRIMARY KEY"), "then one row each: {steps:?}");
    }

    /// Migration 000015 undone and done again leaves a working index.
    #[tokio::test]
    async fn the_unit_tag_migration_goes_down_and_up() {
        use migrations::MigratorTrait;
        let (state, _clock) = crate::testing::state_with_clock().await;
        let admin = crate::testing::staff_actor(&state, "andi.pratama@batam.go.id").await;
        // 000015 and the migrations after it
        let undo = migrations::Migrator::migrations().iter().rev().position(|m| m.name().contains("_000015_")).unwrap() as u32 + 1;
        migrations::Migrator::down(&state.db, Some(undo)).await.unwrap();
        use sea_orm::ConnectionTrait;
        assert!(state.db.execute_unprepared("SELECT unit_tag FROM mailbox_search LIMIT 0").await.is_err(), "000015 undone");
        migrations::Migrator::up(&state.db, None).await.unwrap();
        let q = model::MailboxQuery { text: "hakim".into(), ..Default::default() };
        let rows = super::page(&state, &admin, &q).await.unwrap().rows;
        assert_eq!(rows.iter().map(|r| r.address.as_str()).collect::<Vec<_>>(), ["yusuf.hakim@batam.go.id"]);
    }

    /// Past the cap the count stops, says "more", and pages stay in range.
    #[tokio::test]
    async fn counting_stops_at_the_cap() {
        use crate::entities::mailbox;
        use sea_orm::{EntityTrait, Set};
        let (state, _clock) = crate::testing::state_with_clock().await;
        let admin = crate::testing::staff_actor(&state, "andi.pratama@batam.go.id").await;
        let now = state.now();
        let many: Vec<mailbox::ActiveModel> = (0..super::COUNT_CAP + 20)
            .map(|n| mailbox::ActiveModel {
                address: Set(format!("massal.{n}@batam.go.id")),
                local_part: Set(format!("massal.{n}")),
                domain_id: Set(1),
                kind: Set("personal".into()),
                display_name: Set(format!("Pegawai Massal {n}")),
                status: Set("pending".into()),
                quota_mb: Set(1024),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        mailbox::Entity::insert_many(many).exec(&state.db).await.unwrap();
        let q = model::MailboxQuery { text: "massal".into(), page: 999, ..Default::default() };
        let p = super::page(&state, &admin, &q).await.unwrap();
        assert_eq!((p.total, p.more), (super::COUNT_CAP, true));
        assert_eq!(p.rows.len() as u64, super::PAGE_SIZE, "a page past the end shows the last counted page");
        let few = model::MailboxQuery { text: "massal.99".into(), ..Default::default() };
        let p = super::page(&state, &admin, &few).await.unwrap();
        // massal.99 and massal.990 … massal.999
        assert_eq!((p.total, p.more), (11, false));
    }
}
