//! "Akun email": the officers' mailbox directory and a mailbox's page. The
//! search lives in the address (`?q=…&jenis=…`), so going back from a
//! mailbox returns to the same list, and a search can be shared.
use crate::api::mailboxes::{change_mailbox, get_mailbox, list_mailboxes};
use crate::api::staff::list_units;
use crate::components::form::{field_errors_of, invalid, ErrorBanner, FieldMessages};
use crate::components::layout::{urlencode, RequireRole};
use crate::components::text::{audit_action_text, fill, state_label};
use crate::components::wrap::Breakable;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;
use model::{MailboxChange, MailboxChangeInput, MailboxDetail, MailboxKind, MailboxQuery, MailboxSort, MailboxStatus};

pub fn kind_text(i18n: I18nContext<Locale>, kind: MailboxKind) -> String {
    match kind {
        MailboxKind::Personal => t_string!(i18n, mailboxes.kind_personal),
        MailboxKind::Unit => t_string!(i18n, mailboxes.kind_unit),
        MailboxKind::Kegiatan => t_string!(i18n, mailboxes.kind_kegiatan),
        MailboxKind::Event => t_string!(i18n, mailboxes.kind_event),
    }
    .to_string()
}

pub fn status_text(i18n: I18nContext<Locale>, status: MailboxStatus) -> String {
    match status {
        MailboxStatus::Pending => t_string!(i18n, mailboxes.status_pending),
        MailboxStatus::Active => t_string!(i18n, mailboxes.status_active),
        MailboxStatus::Disabled => t_string!(i18n, mailboxes.status_disabled),
        MailboxStatus::MarkedForDeletion => t_string!(i18n, mailboxes.status_marked_for_deletion),
        MailboxStatus::Deleted => t_string!(i18n, mailboxes.status_deleted),
        MailboxStatus::Expired => t_string!(i18n, mailboxes.status_expired),
    }
    .to_string()
}

fn sort_text(i18n: I18nContext<Locale>, sort: MailboxSort) -> String {
    match sort {
        MailboxSort::Address => t_string!(i18n, mailboxes.sort_address),
        MailboxSort::Name => t_string!(i18n, mailboxes.sort_name),
        MailboxSort::Newest => t_string!(i18n, mailboxes.sort_newest),
    }
    .to_string()
}

/// The directory query in the page's address.
fn query_of(q: &ParamsMap) -> MailboxQuery {
    let get = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
    MailboxQuery {
        text: get("q").unwrap_or_default(),
        kind: get("jenis").and_then(|v| MailboxKind::parse(&v)),
        status: get("status").and_then(|v| MailboxStatus::parse(&v)),
        unit_id: get("unit").and_then(|v| v.parse().ok()),
        created_month: get("bulan"),
        sort: get("urut").and_then(|v| MailboxSort::parse(&v)).unwrap_or_default(),
        page: get("hal").and_then(|v| v.parse::<u64>().ok()).map(|p| p.saturating_sub(1)).unwrap_or(0),
    }
}

/// The address of `query` on page `page` (from 0).
fn href_of(query: &MailboxQuery, page: u64) -> String {
    let mut parts: Vec<(&str, String)> = Vec::new();
    if !query.text.trim().is_empty() {
        parts.push(("q", query.text.trim().to_string()));
    }
    if let Some(k) = query.kind {
        parts.push(("jenis", k.as_str().into()));
    }
    if let Some(s) = query.status {
        parts.push(("status", s.as_str().into()));
    }
    if let Some(u) = query.unit_id {
        parts.push(("unit", u.to_string()));
    }
    if let Some(m) = &query.created_month {
        parts.push(("bulan", m.clone()));
    }
    if query.sort != MailboxSort::default() {
        parts.push(("urut", query.sort.as_str().into()));
    }
    if page > 0 {
        parts.push(("hal", (page + 1).to_string()));
    }
    let qs: Vec<String> = parts.into_iter().map(|(k, v)| format!("{k}={}", urlencode(&v))).collect();
    if qs.is_empty() {
        "/admin/akun".into()
    } else {
        format!("/admin/akun?{}", qs.join("&"))
    }
}

/// The file of `query`'s whole list (`/laporan/akun`, served by the server, not a page).
fn export_href(query: &MailboxQuery, format: &str) -> String {
    let list = href_of(query, 0);
    let params = list.strip_prefix("/admin/akun").unwrap_or_default();
    let sep = if params.is_empty() { "?" } else { "&" };
    format!("/laporan/akun{params}{sep}format={format}")
}

#[component]
pub fn MailboxesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, mailboxes.title).to_string()/>
        <RequireRole roles=model::access::MAILBOX_VIEW>
            <Directory/>
        </RequireRole>
    }
}

#[component]
fn Directory() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(query_of));
    let page = Resource::new(move || query.get(), |q| async move { (q.clone(), list_mailboxes(q).await) });
    let units = Resource::new(|| (), |_| list_units());
    let initial = query.get_untracked();
    let selected = |v: Option<&'static str>, current: Option<&'static str>| v == current;
    view! {
        <h1>{t!(i18n, mailboxes.title)}</h1>
        <Form method="GET" action="/admin/akun" attr:class="search directory-search" attr:role="search" attr:data-testid="mailbox-search">
            <label for="mailbox-q">{t!(i18n, mailboxes.search)}</label>
            <div class="search-row">
                <input id="mailbox-q" name="q" type="search" inputmode="search" autocomplete="off" autocapitalize="off" spellcheck="false"
                    value=initial.text.clone() prop:value=move || query.with(|q| q.text.clone())
                    placeholder=move || t_string!(i18n, mailboxes.search_placeholder).to_string()/>
                <button type="submit" class="button button-primary">{t!(i18n, mailboxes.search_button)}</button>
            </div>
            <p class="hint">{t!(i18n, mailboxes.search_hint)}</p>
            <details class="disclosure" open=initial.kind.is_some() || initial.status.is_some() || initial.unit_id.is_some() || initial.created_month.is_some() || initial.sort != MailboxSort::default()>
                <summary>{t!(i18n, mailboxes.filters)}</summary>
                <div class="filters">
                    <div class="field">
                        <label for="mailbox-kind">{t!(i18n, mailboxes.kind)}</label>
                        <select id="mailbox-kind" name="jenis" prop:value=move || query.with(|q| q.kind.map(|k| k.as_str()).unwrap_or_default())>
                            <option value="">{t!(i18n, mailboxes.any)}</option>
                            {MailboxKind::all().map(|k| view! { <option value=k.as_str() selected=selected(Some(k.as_str()), initial.kind.map(|x| x.as_str()))>{kind_text(i18n, k)}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="mailbox-status">{t!(i18n, mailboxes.status)}</label>
                        // the filters follow the address when a link on the page changes it (no page load)
                        <select id="mailbox-status" name="status" prop:value=move || query.with(|q| q.status.map(|x| x.as_str()).unwrap_or_default())>
                            <option value="">{t!(i18n, mailboxes.any)}</option>
                            {MailboxStatus::all().map(|s| view! { <option value=s.as_str() selected=selected(Some(s.as_str()), initial.status.map(|x| x.as_str()))>{status_text(i18n, s)}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="mailbox-unit">{t!(i18n, mailboxes.unit)}</label>
                        // the whole <select> waits for the units (a Suspense inside <select> breaks hydration)
                        <Transition fallback=|| view! { <select disabled><option>"…"</option></select> }>
                            {move || Suspend::new(async move {
                                let options = units.await.unwrap_or_default();
                                let current = query.get_untracked().unit_id;
                                view! {
                                    <select id="mailbox-unit" name="unit">
                                        <option value="">{t!(i18n, mailboxes.any)}</option>
                                        {options.into_iter().map(|u| view! { <option value=u.id.to_string() selected=current == Some(u.id)>{u.name}</option> }).collect_view()}
                                    </select>
                                }
                            })}
                        </Transition>
                    </div>
                    <div class="field">
                        <label for="mailbox-month">{t!(i18n, mailboxes.created_month)}</label>
                        <input id="mailbox-month" name="bulan" type="text" inputmode="numeric" placeholder="2026-11" pattern="[0-9]{4}-[0-9]{2}"
                            value=initial.created_month.clone().unwrap_or_default()/>
                    </div>
                    <div class="field">
                        <label for="mailbox-sort">{t!(i18n, mailboxes.sort)}</label>
                        <select id="mailbox-sort" name="urut">
                            {MailboxSort::all().map(|s| view! { <option value=s.as_str() selected=s == initial.sort>{sort_text(i18n, s)}</option> }).collect_view()}
                        </select>
                    </div>
                </div>
            </details>
        </Form>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let (asked, result) = page.await;
                match result {
                    Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e))/> }.into_any(),
                    Ok(p) => {
                        let pages = p.total.div_ceil(p.page_size.max(1)).max(1);
                        let at = asked.page;
                        let found = if p.total == 0 {
                            t_string!(i18n, mailboxes.none).to_string()
                        } else if p.more {
                            fill(t_string!(i18n, mailboxes.found_more), "count", &p.total.to_string())
                        } else {
                            fill(t_string!(i18n, mailboxes.found), "count", &p.total.to_string())
                        };
                        let awaiting = (p.awaiting_deletion > 0 && asked.status != Some(MailboxStatus::MarkedForDeletion)).then(|| {
                            let list = MailboxQuery { status: Some(MailboxStatus::MarkedForDeletion), ..MailboxQuery::default() };
                            view! {
                                <div class="banner banner-warn" role="status" data-testid="mailbox-awaiting-deletion">
                                    {fill(t_string!(i18n, mailboxes.awaiting_deletion), "count", &p.awaiting_deletion.to_string())}" "
                                    <a class="button button-quiet" href=href_of(&list, 0)>{t!(i18n, mailboxes.awaiting_deletion_show)}</a>
                                </div>
                            }
                        });
                        view! {
                            {awaiting}
                            <p class="muted" data-testid="mailbox-found" role="status">{found}</p>
                            {(p.total > 0).then(|| view! {
                                <p class="toolbar" data-testid="mailbox-export">
                                    <a class="button button-quiet" rel="external" download="" href=export_href(&asked, "xlsx")>{t!(i18n, mailboxes.export_xlsx)}</a>
                                    <a class="button button-quiet" rel="external" download="" href=export_href(&asked, "csv")>{t!(i18n, mailboxes.export_csv)}</a>
                                    <span class="hint">{t!(i18n, mailboxes.export_hint)}</span>
                                </p>
                            })}
                            <ul class="list" data-testid="mailboxes">
                                {p.rows.into_iter().map(|m| {
                                    let (address, who) = (m.address.clone(), format!("{}{}", m.name, m.unit.as_deref().map(|u| format!(" · {u}")).unwrap_or_default()));
                                    view! {
                                    <li class="list-item mailbox-row" data-address=m.address.clone() data-status=m.status.as_str()>
                                        <A href=format!("/admin/akun/{}", m.id) attr:class="row-link">
                                            <strong><Breakable text=address class="address"/></strong>
                                            <span class="muted">{who}</span>
                                        </A>
                                        <span class="chips">
                                            <span class="badge">{kind_text(i18n, m.kind)}</span>
                                            <span class=format!("badge status-{}", m.status.as_str())>{status_text(i18n, m.status)}</span>
                                        </span>
                                    </li>
                                }}).collect_view()}
                            </ul>
                            {(pages > 1).then(|| view! {
                                <nav class="pager" aria-label=move || t_string!(i18n, mailboxes.pages).to_string()>
                                    {(at > 0).then(|| view! { <A href=href_of(&asked, at - 1) attr:class="button button-quiet" attr:rel="prev">{t!(i18n, mailboxes.previous)}</A> })}
                                    <span>{t!(i18n, common.page_of, page = at + 1, pages = pages)}</span>
                                    {(at + 1 < pages).then(|| view! { <A href=href_of(&asked, at + 1) attr:class="button button-quiet" attr:rel="next">{t!(i18n, mailboxes.next)}</A> })}
                                </nav>
                            })}
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
pub fn MailboxPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, mailboxes.page_title).to_string()/>
        <RequireRole roles=model::access::MAILBOX_VIEW>
            <MailboxView/>
        </RequireRole>
    }
}

#[component]
fn MailboxView() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i32>().ok()).unwrap_or(0);
    let change = Action::new(|input: &MailboxChangeInput| change_mailbox(input.clone()));
    // reload after a change that was saved, not after a refused one: the
    // form keeps what was typed next to its errors
    let saved = Memo::new(move |before: Option<&u32>| {
        let n = before.copied().unwrap_or(0);
        if matches!(change.value().get(), Some(Ok(()))) {
            n + 1
        } else {
            n
        }
    });
    let detail = Resource::new(move || (id(), saved.get()), |(id, _)| get_mailbox(id));
    view! {
        <p><A href="/admin/akun" attr:class="button button-quiet">{t!(i18n, mailboxes.back)}</A></p>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e))/> }.into_any(),
                    Ok(d) => view! {
                        {(d.status == MailboxStatus::Deleted).then(|| view! { <div class="banner banner-info" role="status" data-testid="mailbox-deleted">{t!(i18n, mailboxes.deleted_note)}</div> })}
                        <MailboxFacts detail=d.clone()/>
                        {d.can_manage.then(|| view! { <ChangeForm detail=d.clone() change=change/> })}
                        <MailboxHistory detail=d/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MailboxFacts(detail: MailboxDetail) -> impl IntoView {
    let i18n = use_i18n();
    let d = detail;
    let yes_no = move |b: bool| if b { t_string!(i18n, mailboxes.yes).to_string() } else { t_string!(i18n, mailboxes.no).to_string() };
    let status_line = match (&d.status_reason, &d.status_changed_at) {
        (Some(r), Some(at)) => format!("{} · {r} ({at})", status_text(i18n, d.status)),
        _ => status_text(i18n, d.status),
    };
    let dash = || "—".to_string();
    view! {
        <h1 class="address" data-testid="mailbox-address"><Breakable text=d.address.clone()/></h1>
        <p><span class=format!("badge status-{}", d.status.as_str()) data-testid="mailbox-status">{status_text(i18n, d.status)}</span>" "{d.name.clone()}</p>
        <section class="card">
            <dl class="facts" data-testid="mailbox-facts">
                <div class="fact"><dt>{t!(i18n, mailboxes.owner)}</dt><dd>{d.person.clone().unwrap_or_else(dash)}</dd></div>
                <div class="fact"><dt>"NIP"</dt><dd>{d.nip.clone().unwrap_or_else(dash)}</dd></div>
                <div class="fact"><dt>{t!(i18n, mailboxes.unit)}</dt><dd>{d.unit.clone().unwrap_or_else(dash)}</dd></div>
                <div class="fact"><dt>{t!(i18n, mailboxes.kind)}</dt><dd>{kind_text(i18n, d.kind)}</dd></div>
                <div class="fact"><dt>{t!(i18n, mailboxes.status)}</dt><dd data-testid="mailbox-status-line">{status_line}</dd></div>
                <div class="fact"><dt>{t!(i18n, mailboxes.quota)}</dt><dd data-testid="mailbox-quota">{format!("{} MB", d.quota_mb)}</dd></div>
                <div class="fact"><dt>{t!(i18n, mailboxes.ends_on)}</dt><dd data-testid="mailbox-ends">{d.ends_on.clone().unwrap_or_else(|| t_string!(i18n, mailboxes.no_end).to_string())}</dd></div>
                <div class="fact"><dt>{t!(i18n, mailboxes.reset_phone)}</dt><dd>{d.reset_phone_masked.clone().unwrap_or_else(dash)}</dd></div>
                <div class="fact"><dt>{t!(i18n, mailboxes.activated)}</dt><dd>{yes_no(d.activated)}{d.password_changed_at.clone().map(|t| format!(" · {} {t}", t_string!(i18n, mailboxes.password_changed)))}</dd></div>
                <div class="fact"><dt>{t!(i18n, mailboxes.sessions)}</dt><dd>{d.sessions}</dd></div>
                <div class="fact"><dt>{t!(i18n, mailboxes.created)}</dt><dd>{d.created_at.clone()}</dd></div>
                <div class="fact"><dt>{t!(i18n, mailboxes.aliases)}</dt>
                <dd>
                    {if d.aliases.is_empty() { view! { <span>{dash()}</span> }.into_any() } else {
                        view! { <ul class="plain" data-testid="mailbox-aliases">{d.aliases.iter().map(|a| view! { <li><Breakable text=a.address.clone() class="address"/></li> }).collect_view()}</ul> }.into_any()
                    }}
                </dd></div>
                {d.can_forward.then(|| view! {
                    <div class="fact"><dt>{t!(i18n, mailboxes.forwards)}</dt>
                    <dd>
                        {if d.forwards.is_empty() { view! { <span>{dash()}</span> }.into_any() } else {
                            view! { <ul class="plain" data-testid="mailbox-forwards">{d.forwards.iter().map(|f| view! {
                                <li><Breakable text=f.address.clone() class="address"/>
                                    {(!f.delivering).then(|| view! { " " <span class="badge status-disabled">{t!(i18n, mailboxes.forward_paused)}</span> })}
                                </li>
                            }).collect_view()}</ul> }.into_any()
                        }}
                    </dd></div>
                })}
                {(!d.forwarded_from.is_empty()).then(|| view! {
                    <div class="fact"><dt>{t!(i18n, mailboxes.forwarded_from)}</dt>
                    <dd><ul class="plain" data-testid="mailbox-forwarded-from">{d.forwarded_from.iter().map(|a| view! { <li><Breakable text=a.clone() class="address"/></li> }).collect_view()}</ul></dd></div>
                })}
            </dl>
        </section>
    }
}

/// What the officer can do, as one form: choose, fill in, give the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    Disable,
    Enable,
    Delete,
    Keep,
    Quota,
    EndDate,
    AddAlias,
    RemoveAlias,
    AddForward,
    RemoveForward,
    ResendActivation,
    MoveUnit,
}

impl Choice {
    fn code(self) -> &'static str {
        match self {
            Choice::Disable => "disable",
            Choice::Enable => "enable",
            Choice::Delete => "delete",
            Choice::Keep => "keep",
            Choice::Quota => "quota",
            Choice::EndDate => "ends_on",
            Choice::AddAlias => "alias_add",
            Choice::RemoveAlias => "alias_remove",
            Choice::AddForward => "forward_add",
            Choice::RemoveForward => "forward_remove",
            Choice::ResendActivation => "activation",
            Choice::MoveUnit => "unit",
        }
    }
}

#[component]
fn ChangeForm(detail: MailboxDetail, change: Action<MailboxChangeInput, Result<(), model::AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let d = detail;
    // listed for deletion: the decision comes first
    let mut choices = match d.status {
        MailboxStatus::MarkedForDeletion => vec![Choice::Delete, Choice::Keep, Choice::Enable],
        MailboxStatus::Disabled => vec![Choice::Enable],
        _ => vec![Choice::Disable],
    };
    if d.status == MailboxStatus::Pending && !d.activated {
        choices.push(Choice::ResendActivation);
    }
    choices.extend([Choice::Quota, Choice::EndDate, Choice::AddAlias]);
    if !d.aliases.is_empty() {
        choices.push(Choice::RemoveAlias);
    }
    if d.can_forward {
        choices.push(Choice::AddForward);
        if !d.forwards.is_empty() {
            choices.push(Choice::RemoveForward);
        }
    }
    choices.push(Choice::MoveUnit);
    let units = Resource::new(|| (), |_| list_units());
    let unit = NodeRef::<leptos::html::Select>::new();
    let choice = RwSignal::new(choices[0]);
    let errors = Signal::derive(move || field_errors_of(&change.value().get().and_then(|r| r.err())));
    let error = Signal::derive(move || change.value().get().and_then(|r| r.err()));
    let done = Signal::derive(move || matches!(change.value().get(), Some(Ok(()))));
    let reason = NodeRef::<leptos::html::Textarea>::new();
    let quota = NodeRef::<leptos::html::Input>::new();
    let ends = NodeRef::<leptos::html::Input>::new();
    let alias = NodeRef::<leptos::html::Input>::new();
    let remove = NodeRef::<leptos::html::Select>::new();
    let forward = NodeRef::<leptos::html::Input>::new();
    let unforward = NodeRef::<leptos::html::Select>::new();
    let id = d.id;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = |n: NodeRef<leptos::html::Input>| n.get().map(|e| e.value()).unwrap_or_default();
        let what = match choice.get_untracked() {
            Choice::Disable => MailboxChange::Disable,
            Choice::Enable => MailboxChange::Enable,
            Choice::Delete => MailboxChange::ConfirmDeletion,
            Choice::Keep => MailboxChange::KeepDisabled,
            Choice::Quota => MailboxChange::SetQuota { quota_mb: v(quota).trim().parse().unwrap_or(0) },
            Choice::EndDate => MailboxChange::SetEndDate { ends_on: v(ends) },
            Choice::AddAlias => MailboxChange::AddAlias { address: v(alias) },
            Choice::RemoveAlias => MailboxChange::RemoveAlias { alias_id: remove.get().and_then(|s| s.value().parse().ok()).unwrap_or(0) },
            Choice::AddForward => MailboxChange::AddForward { address: v(forward) },
            Choice::RemoveForward => MailboxChange::RemoveForward { forward_id: unforward.get().and_then(|s| s.value().parse().ok()).unwrap_or(0) },
            Choice::ResendActivation => MailboxChange::ResendActivation,
            Choice::MoveUnit => MailboxChange::MoveUnit { unit_id: unit.get().and_then(|s| s.value().parse().ok()).unwrap_or(0) },
        };
        change.dispatch(MailboxChangeInput { mailbox_id: id, change: what, reason: reason.get().map(|e| e.value()).unwrap_or_default() });
    };
    let label = move |c: Choice| match c {
        Choice::Disable => t_string!(i18n, mailboxes.do_disable).to_string(),
        Choice::Enable => t_string!(i18n, mailboxes.do_enable).to_string(),
        Choice::Delete => t_string!(i18n, mailboxes.do_delete).to_string(),
        Choice::Keep => t_string!(i18n, mailboxes.do_keep).to_string(),
        Choice::Quota => t_string!(i18n, mailboxes.do_quota).to_string(),
        Choice::EndDate => t_string!(i18n, mailboxes.do_ends_on).to_string(),
        Choice::AddAlias => t_string!(i18n, mailboxes.do_alias_add).to_string(),
        Choice::RemoveAlias => t_string!(i18n, mailboxes.do_alias_remove).to_string(),
        Choice::AddForward => t_string!(i18n, mailboxes.do_forward_add).to_string(),
        Choice::RemoveForward => t_string!(i18n, mailboxes.do_forward_remove).to_string(),
        Choice::ResendActivation => t_string!(i18n, mailboxes.do_activation).to_string(),
        Choice::MoveUnit => t_string!(i18n, mailboxes.do_unit).to_string(),
    };
    let current_unit = d.unit.clone();
    let aliases = d.aliases.clone();
    let forwards = d.forwards.clone();
    view! {
        <section class="card" data-testid="mailbox-change">
            <h2>{t!(i18n, mailboxes.change_title)}</h2>
            {move || done.get().then(|| view! { <div class="banner banner-ok" role="status" data-testid="mailbox-changed">{t!(i18n, mailboxes.changed)}</div> })}
            <ErrorBanner error=error/>
            <form class="form" novalidate on:submit=on_submit>
                <fieldset class="field">
                    <legend>{t!(i18n, mailboxes.what)}</legend>
                    {choices.into_iter().map(|c| view! {
                        <label class="check">
                            <input type="radio" name="what" value=c.code() prop:checked=move || choice.get() == c on:change=move |_| choice.set(c)/>
                            {label(c)}
                        </label>
                    }).collect_view()}
                </fieldset>
                {move || match choice.get() {
                    Choice::Disable => view! { <p class="hint">{t!(i18n, mailboxes.disable_help)}</p> }.into_any(),
                    Choice::Enable => view! { <p class="hint">{t!(i18n, mailboxes.enable_help)}</p> }.into_any(),
                    Choice::Delete => view! { <p class="hint">{t!(i18n, mailboxes.delete_help)}</p> }.into_any(),
                    Choice::Keep => view! { <p class="hint">{t!(i18n, mailboxes.keep_help)}</p> }.into_any(),
                    Choice::Quota => view! {
                        <div class="field">
                            <label for="mailbox-quota-new">{t!(i18n, mailboxes.quota_new)}</label>
                            <input id="mailbox-quota-new" node_ref=quota type="number" inputmode="numeric" min="100" max="51200" step="1" value=d.quota_mb.to_string()
                                aria-describedby="quota_mb-error" aria-invalid=invalid(errors, "quota_mb")/>
                            <FieldMessages field="quota_mb" errors=errors/>
                        </div>
                    }.into_any(),
                    Choice::EndDate => view! {
                        <div class="field">
                            <label for="mailbox-ends-new">{t!(i18n, mailboxes.ends_on_new)}</label>
                            <input id="mailbox-ends-new" node_ref=ends type="date" value=d.ends_on.clone().unwrap_or_default()
                                aria-describedby="ends_on-hint ends_on-error" aria-invalid=invalid(errors, "ends_on")/>
                            <p class="hint" id="ends_on-hint">{t!(i18n, mailboxes.ends_on_hint)}</p>
                            <FieldMessages field="ends_on" errors=errors/>
                        </div>
                    }.into_any(),
                    Choice::AddAlias => view! {
                        <div class="field">
                            <label for="mailbox-alias-new">{t!(i18n, mailboxes.alias_new)}</label>
                            <input id="mailbox-alias-new" node_ref=alias type="text" autocomplete="off" autocapitalize="off" spellcheck="false"
                                aria-describedby="alias-hint alias-error" aria-invalid=invalid(errors, "alias")/>
                            <p class="hint" id="alias-hint">{t!(i18n, mailboxes.alias_hint)}</p>
                            <FieldMessages field="alias" errors=errors/>
                        </div>
                    }.into_any(),
                    Choice::RemoveAlias => view! {
                        <div class="field">
                            <label for="mailbox-alias-remove">{t!(i18n, mailboxes.alias_remove)}</label>
                            <select id="mailbox-alias-remove" node_ref=remove>
                                {aliases.iter().map(|a| view! { <option value=a.id.to_string()>{a.address.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                    }.into_any(),
                    Choice::AddForward => view! {
                        <div class="field">
                            <label for="mailbox-forward-new">{t!(i18n, mailboxes.forward_new)}</label>
                            <input id="mailbox-forward-new" node_ref=forward type="text" autocomplete="off" autocapitalize="off" spellcheck="false"
                                aria-describedby="forward-hint forward-error" aria-invalid=invalid(errors, "forward")/>
                            <p class="hint" id="forward-hint">{t!(i18n, mailboxes.forward_hint)}</p>
                            <FieldMessages field="forward" errors=errors/>
                        </div>
                    }.into_any(),
                    Choice::RemoveForward => view! {
                        <div class="field">
                            <label for="mailbox-forward-remove">{t!(i18n, mailboxes.forward_remove)}</label>
                            <select id="mailbox-forward-remove" node_ref=unforward>
                                {forwards.iter().map(|f| view! { <option value=f.id.to_string()>{f.address.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                    }.into_any(),
                    Choice::ResendActivation => view! { <p class="hint">{t!(i18n, mailboxes.activation_help)}</p> }.into_any(),
                    Choice::MoveUnit => {
                        let current_unit = current_unit.clone();
                        view! {
                            <div class="field">
                                <label for="mailbox-unit-new">{t!(i18n, mailboxes.unit_new)}</label>
                                // the whole <select> waits for the units (a Suspense inside <select> breaks hydration)
                                <Transition fallback=|| view! { <select disabled><option>"…"</option></select> }>
                                    {move || {
                                        let current_unit = current_unit.clone();
                                        Suspend::new(async move {
                                            let options = units.await.unwrap_or_default();
                                            view! {
                                                <select id="mailbox-unit-new" node_ref=unit aria-describedby="unit-error">
                                                    {options.into_iter().map(|u| {
                                                        let here = current_unit.as_deref() == Some(u.name.as_str());
                                                        view! { <option value=u.id.to_string() selected=here>{u.name}</option> }
                                                    }).collect_view()}
                                                </select>
                                            }
                                        })
                                    }}
                                </Transition>
                                <FieldMessages field="unit" errors=errors/>
                            </div>
                        }.into_any()
                    }
                }}
                <div class="field">
                    <label for="mailbox-reason">{t!(i18n, mailboxes.reason)}</label>
                    <textarea id="mailbox-reason" node_ref=reason rows="2" maxlength="500" aria-describedby="reason-hint reason-error" aria-invalid=invalid(errors, "reason")></textarea>
                    <p class="hint" id="reason-hint">{t!(i18n, mailboxes.reason_hint)}</p>
                    <FieldMessages field="reason" errors=errors/>
                </div>
                <button type="submit" class=move || if matches!(choice.get(), Choice::Disable | Choice::Delete) { "button button-danger" } else { "button button-primary" }
                    disabled=move || change.pending().get()>
                    {move || label(choice.get())}
                </button>
            </form>
        </section>
    }
}

#[component]
fn MailboxHistory(detail: MailboxDetail) -> impl IntoView {
    let i18n = use_i18n();
    let d = detail;
    view! {
        <section class="card">
            <h2>{t!(i18n, mailboxes.requests)}</h2>
            {if d.requests.is_empty() { view! { <p class="muted">{t!(i18n, mailboxes.no_requests)}</p> }.into_any() } else {
                view! {
                    <ul class="list" data-testid="mailbox-requests">
                        {d.requests.into_iter().map(|r| view! {
                            <li class="list-item">
                                <A href=format!("/admin/permohonan/{}", r.ticket) attr:class="row-link"><strong><Breakable text=r.ticket.clone() class="ticket"/></strong>" "<span class="muted">{r.subject.clone()}</span></A>
                                <span class="badge">{state_label(i18n, r.state)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card">
            <h2>{t!(i18n, mailboxes.history)}</h2>
            <ul class="list" data-testid="mailbox-audit">
                {d.audit.into_iter().map(|r| view! {
                    <li class="list-item audit-item" data-action=r.action.clone()>
                        <div>
                            <strong>{audit_action_text(i18n, &r.action)}</strong>
                            <div class="muted"><time datetime=r.at.clone()>{r.at_local.clone()}</time>" · "{r.actor.clone()}</div>
                            <div class="muted audit-details">{r.details.clone()}</div>
                        </div>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
