//! Requests of every kind: the list (overdue first) and the
//! request page with its actions, timeline and printable report.
use crate::api::requests::{get_request, list_requests};
use crate::components::form::{field_errors_of, ErrorBanner};
use crate::components::layout::RequireRole;
use crate::components::text::{action_label, doc_label, fill, kind_label, queue_name, role_name, state_label};
use crate::components::wrap::Breakable;
use crate::i18n::*;
use crate::pages::kinds::{send_step, ActionPanel, StepCall, StepPanel};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};
use model::error::AppError;
use model::{NextParty, RequestDetail, RequestRow, Role};

fn fact_label(i18n: I18nContext<Locale>, key: &str) -> String {
    match key {
        "address" => t_string!(i18n, request.fact_address),
        "owner_name" => t_string!(i18n, request.fact_owner_name),
        "doc_type" => t_string!(i18n, request.fact_doc_type),
        "doc_number" => t_string!(i18n, request.fact_doc_number),
        "old_phone" => t_string!(i18n, request.fact_old_phone),
        "new_phone" => t_string!(i18n, request.fact_new_phone),
        "account_kind" => t_string!(i18n, request.fact_account_kind),
        "unit" => t_string!(i18n, request.fact_unit),
        "purpose" => t_string!(i18n, request.fact_purpose),
        "proposed_local" => t_string!(i18n, request.fact_proposed_local),
        "responsible_name" => t_string!(i18n, request.fact_responsible_name),
        "responsible_nip" => t_string!(i18n, request.fact_responsible_nip),
        "responsible_phone" => t_string!(i18n, request.fact_responsible_phone),
        "letter" => t_string!(i18n, request.fact_letter),
        "ends_on" => t_string!(i18n, request.fact_ends_on),
        "final_local" => t_string!(i18n, request.fact_final_local),
        "quota_mb" => t_string!(i18n, request.fact_quota_mb),
        "aliases" => t_string!(i18n, request.fact_aliases),
        "test" => t_string!(i18n, request.fact_test),
        "applicant_name" => t_string!(i18n, request.fact_applicant_name),
        "nip" => t_string!(i18n, request.fact_nip),
        "nip_info" => t_string!(i18n, request.fact_nip_info),
        "phone_verified" => t_string!(i18n, request.fact_phone_verified),
        "personal_email" => t_string!(i18n, request.fact_personal_email),
        "warning" => t_string!(i18n, request.fact_warning),
        "revision" => t_string!(i18n, request.fact_revision),
        "month" => t_string!(i18n, request.fact_month),
        "simpeg_batch" => t_string!(i18n, request.fact_simpeg_batch),
        "simpeg_progress" => t_string!(i18n, request.fact_simpeg_progress),
        "simpeg_leavers" => t_string!(i18n, request.fact_simpeg_leavers),
        _ => t_string!(i18n, request.fact_subject),
    }
    .to_string()
}

#[component]
pub fn RequestsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, request.list_title).to_string()/>
        <RequireRole roles=model::access::REQUESTS>
            <RequestList/>
        </RequireRole>
    }
}

#[component]
fn RequestList() -> impl IntoView {
    let i18n = use_i18n();
    let only_open = RwSignal::new(true);
    // `?antrean=…`: one queue of "my work", the list its count on the home page counts
    let query = use_query_map();
    let queue = Memo::new(move |_| query.with(|q| q.get("antrean")).filter(|k| !k.is_empty()));
    let rows = Resource::new(move || (only_open.get(), queue.get()), |(open, queue)| list_requests(open, queue));
    let staff = crate::components::layout::use_staff();
    let is_petugas = staff.as_ref().map(|m| m.has(Role::Petugas)).unwrap_or(false);
    let is_kepala_opd = staff.as_ref().map(|m| m.has(Role::KepalaOpd)).unwrap_or(false);
    view! {
        <h1>{t!(i18n, request.list_title)}</h1>
        <p class="lead">{t!(i18n, request.list_lead)}</p>
        <div class="toolbar">
            {is_petugas.then(|| view! { <A href="/admin/ganti-nomor" attr:class="button button-primary">{t!(i18n, request.desk_link)}</A> })}
            {is_kepala_opd.then(|| view! { <A href="/admin/akun-unit/baru" attr:class="button button-primary">{t!(i18n, request.new_unit_link)}</A> })}
            {move || queue.get().map(|k| view! {
                <p class="queue-filter" data-testid="queue-filter">
                    {t!(i18n, request.queue_only)}" "<strong>{queue_name(i18n, &k)}</strong>" · "
                    <A href="/admin/permohonan">{t!(i18n, request.queue_all)}</A>
                </p>
            })}
            <label class="check" class:hidden=move || queue.get().is_some()>
                // `checked` for the server-rendered page, `prop:checked` once hydrated
                <input type="checkbox" checked=only_open.get_untracked() prop:checked=move || only_open.get() on:change=move |ev| only_open.set(event_target_checked(&ev))/>
                {t!(i18n, request.only_open)}
            </label>
        </div>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let list: Vec<RequestRow> = rows.await.unwrap_or_default();
                if list.is_empty() {
                    return view! { <p class="empty" data-testid="requests-empty">{t!(i18n, request.empty)}</p> }.into_any();
                }
                view! {
                    <ul class="list" data-testid="requests">
                        {list.into_iter().map(|r| {
                            let href = format!("/admin/permohonan/{}", r.ticket);
                            let (ticket, ticket_attr) = (r.ticket.clone(), r.ticket.clone());
                            let kind = kind_label(i18n, r.kind);
                            let state = state_label(i18n, r.state);
                            let overdue = r.overdue;
                            let due = r.due_at.clone().filter(|_| !r.closed);
                            let subject = r.subject.clone();
                            view! {
                                <li class="list-item request-row" class:overdue=overdue data-ticket=ticket_attr>
                                    <A href=href attr:class="request-link">
                                        <strong><Breakable text=ticket/></strong>" · "{kind}
                                        <div class="muted"><Breakable text=subject/></div>
                                        <div>
                                            <span class="badge">{state}</span>
                                            {overdue.then(|| view! { " "<span class="badge badge-danger">{t!(i18n, request.overdue)}</span> })}
                                            {due.map(|d| view! { " "<span class="muted">{t!(i18n, request.due)}": "{d}</span> })}
                                        </div>
                                    </A>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Transition>
    }
}

#[component]
pub fn RequestPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, request.report_title).to_string()/>
        <RequireRole roles=model::access::REQUESTS>
            <RequestView/>
        </RequireRole>
    }
}

type StepAction = Action<(String, i32, StepCall), Result<(), AppError>>;

#[component]
fn RequestView() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let ticket = move || params.with(|p| p.get("ticket").unwrap_or_default());
    let step: StepAction = Action::new(|(ticket, version, call): &(String, i32, StepCall)| send_step(ticket.clone(), *version, call.clone()));
    let detail = Resource::new(move || (ticket(), step.version().get()), |(t, _)| get_request(t));
    let step_error = Signal::derive(move || step.value().get().and_then(|r| r.err()));
    view! {
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e))/> }.into_any(),
                    Ok(d) => view! { <RequestBody d=d step=step step_error=step_error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RequestBody(d: RequestDetail, step: StepAction, step_error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let step_errors = Signal::derive(move || field_errors_of(&step_error.get()));
    let step_pending = Signal::derive(move || step.pending().get());
    let ticket = d.row.ticket.clone();
    let version = d.version;
    let send = Callback::new(move |s: StepCall| {
        step.dispatch((ticket.clone(), version, s));
    });
    let sop_line = d.standard_minutes.map(|m| fill(&fill(t_string!(i18n, request.sop_line), "sop", &d.sop), "minutes", &m.to_string()));
    let panel =
        StepPanel { ticket: d.row.ticket.clone(), actions: d.actions.clone(), facts: d.facts.clone(), errors: step_errors, pending: step_pending, send };
    let attachments = d.attachments.clone();
    let kinds_count: Vec<String> = attachments.iter().map(|a| a.kind.clone()).collect();
    let kinds_last: Vec<(String, i32)> = {
        let mut last: Vec<(String, i32)> = Vec::new();
        for a in &attachments {
            match last.iter_mut().find(|(k, _)| *k == a.kind) {
                Some(e) => e.1 = e.1.max(a.id),
                None => last.push((a.kind.clone(), a.id)),
            }
        }
        last
    };
    let any_action = !d.actions.is_empty();
    let waiting = waiting_line(i18n, &d);
    let four_eyes = d.four_eyes.map(|a| fill(t_string!(i18n, request.four_eyes), "action", &action_label(i18n, a)));
    // after a step: what happened (the newest timeline entry) and who acts next
    let done_line = d.steps.last().map(|s| {
        let step = fill(&fill(t_string!(i18n, request.done_step), "action", &action_label(i18n, s.action)), "state", &state_label(i18n, s.to_state));
        waiting.clone().map(|w| format!("{step} {w}")).unwrap_or(step)
    });
    view! {
        <article class="request" data-testid="request" data-state=d.row.state.as_str()>
            <header class="request-head">
                <h1><Breakable text=d.row.ticket.clone()/></h1>
                <p class="lead">{kind_label(i18n, d.row.kind)}" · "<Breakable text=d.row.subject.clone()/></p>
                <p>
                    <span class="badge" data-testid="request-state">{state_label(i18n, d.row.state)}</span>
                    {d.row.overdue.then(|| view! { " "<span class="badge badge-danger">{t!(i18n, request.overdue)}</span> })}
                </p>
                {d.row.due_at.clone().filter(|_| !d.row.closed).map(|due| view! { <p class="muted">{t!(i18n, request.due)}": "{due}</p> })}
                {waiting.clone().map(|w| view! { <p data-testid="waiting">{w}</p> })}
                {sop_line.map(|s| view! { <p class="muted">{s}</p> })}
            </header>
            <dl class="facts">
                {d.facts.iter().map(|f| {
                    let value = if f.key == "doc_type" || f.key == "account_kind" { doc_label(i18n, &f.value) } else { f.value.clone() };
                    view! { <div class="fact"><dt>{fact_label(i18n, &f.key)}</dt><dd data-fact=f.key.clone()><Breakable text=value/></dd></div> }
                }).collect_view()}
            </dl>

            {(!attachments.is_empty()).then(|| view! {
                <section aria-labelledby="attachments-title">
                    <h2 id="attachments-title">{t!(i18n, request.attachments)}</h2>
                    <ul class="attachments" data-testid="attachments">
                        {attachments.into_iter().map(|a| {
                            let size = format!("{:.0} KB", (a.size_bytes as f64 / 1024.0).ceil());
                            // PDFs and images open in the browser; every file can be downloaded
                            let lower = a.filename.to_lowercase();
                            let viewable = [".pdf", ".png", ".jpg", ".jpeg"].iter().any(|e| lower.ends_with(e));
                            // a corrected file: the earlier versions of its kind are "old", the last "new"
                            let versions = kinds_count.iter().filter(|k| **k == a.kind).count();
                            let newest = kinds_last.iter().any(|(k, id)| *k == a.kind && *id == a.id);
                            let label = match (versions > 1, newest) {
                                (true, true) => format!("{} ({})", a.filename, t_string!(i18n, request.attachment_new)),
                                (true, false) => format!("{} ({})", a.filename, t_string!(i18n, request.attachment_old)),
                                _ => a.filename.clone(),
                            };
                            view! {
                                <li class="attachment">
                                    {if viewable {
                                        view! { <a href=format!("/lampiran/{}?lihat=1", a.id) target="_blank" rel="external noopener" data-testid="attachment-view">{label}</a> }.into_any()
                                    } else {
                                        view! { <span>{label}</span> }.into_any()
                                    }}
                                    " · "<span class="muted">{size}</span>
                                    <a class="button button-quiet" href=format!("/lampiran/{}", a.id) download rel="external">{t!(i18n, request.download)}</a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })}
            <section class="card actions no-print" aria-labelledby="actions-title">
                <h2 id="actions-title" class="visually-hidden">{t!(i18n, request.approve)}</h2>
                <ErrorBanner error=step_error/>
                {move || (step.value().get().is_some_and(|r| r.is_ok()) && !step.pending().get()).then(|| view! {
                    <div class="banner banner-ok" role="status" data-testid="step-done">{done_line.clone().unwrap_or_else(|| t_string!(i18n, request.done_ok).to_string())}</div>
                })}
                {four_eyes.map(|t| view! { <p class="banner banner-info" data-testid="four-eyes">{t}</p> })}
                // after a step the banner above says who is next: "nothing
                // for you" under it would read as if nothing happened
                {let idle = !any_action && d.four_eyes.is_none();
                move || (idle && step.value().get().is_none_or(|r| r.is_err())).then(|| view! { <p class="muted">{t!(i18n, request.no_actions)}</p> })}
                <ActionPanel kind=d.row.kind panel=panel/>
            </section>

            <section aria-labelledby="timeline-title">
                <h2 id="timeline-title">{t!(i18n, request.timeline)}</h2>
                <ol class="timeline" data-testid="timeline">
                    {d.steps.iter().map(|s| {
                        let took = match (s.minutes_taken, s.standard_minutes) {
                            (Some(t), Some(st)) => Some(fill(&fill(t_string!(i18n, request.took), "taken", &t.to_string()), "standard", &st.to_string())),
                            _ => None,
                        };
                        view! {
                            <li class="timeline-step" class:late=s.late data-action=s.action.as_str()>
                                <strong>{action_label(i18n, s.action)}</strong>" → "{state_label(i18n, s.to_state)}
                                <div class="muted">{s.at.clone()}" · "{s.actor.clone()}{s.actor_role.map(|r| format!(" ({})", role_name(i18n, r)))}</div>
                                {s.note.clone().map(|n| view! { <p class="note">{n}</p> })}
                                {took.map(|t| view! { <p class="muted">{t}{s.late.then(|| view! { " · "<span class="badge badge-danger">{t!(i18n, request.late)}</span> })}</p> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
            <button type="button" class="button button-quiet no-print" on:click=|_| print_page()>{t!(i18n, request.print)}</button>
        </article>
    }
}

/// Whose move it is, in words: "Menunggu Kasi (standar 60 menit kerja)."
fn waiting_line(i18n: I18nContext<Locale>, d: &RequestDetail) -> Option<String> {
    Some(match d.next.as_ref()? {
        NextParty::Staff(roles) => {
            let names: Vec<String> = roles.iter().map(|r| role_name(i18n, *r)).collect();
            let roles = names.join(&format!(" {} ", t_string!(i18n, request.or)));
            match d.standard_minutes {
                Some(m) => fill(&fill(t_string!(i18n, request.waiting_staff_standard), "roles", &roles), "minutes", &m.to_string()),
                None => fill(t_string!(i18n, request.waiting_staff), "roles", &roles),
            }
        }
        NextParty::Applicant => t_string!(i18n, request.waiting_applicant).to_string(),
        NextParty::System => t_string!(i18n, request.waiting_system).to_string(),
    })
}

/// The printable report is this page; print styles hide the controls.
fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}
