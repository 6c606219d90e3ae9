//! Requests of every kind: the list (overdue first) and the
//! request page with its actions, timeline and printable report.
use crate::api::kinds::personal_account::{personal_account_step, PersonalAccountAction};
use crate::api::kinds::phone_change::{phone_change_step, PhoneChangeAction};
use crate::api::kinds::unit_account::{unit_account_step, UnitAccountAction};
use crate::api::requests::{get_request, list_requests};
use crate::components::form::{field_errors_of, invalid, ErrorBanner, FieldMessages};
use crate::components::layout::RequireRole;
use crate::components::text::{doc_label, fill};
use crate::i18n::*;
use crate::pages::kinds::personal_account::PersonalCreateForm;
use crate::pages::kinds::unit_account::AccountDataForm;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};
use model::error::AppError;
use model::{Action as RequestAction, RequestDetail, RequestKind, RequestRow, RequestState, Role, UnitAccountData};

/// The name of a request type. This and the two below match every variant:
/// a new kind, state or action without a text does not build.
pub fn kind_label(i18n: I18nContext<Locale>, kind: RequestKind) -> String {
    use RequestKind::*;
    match kind {
        PhoneChange => t_string!(i18n, request.kind_phone_change),
        UnitAccount => t_string!(i18n, request.kind_unit_account),
        PersonalAccount => t_string!(i18n, request.kind_personal_account),
        SimpegBulk => t_string!(i18n, request.kind_simpeg_bulk),
    }
    .to_string()
}

pub fn state_label(i18n: I18nContext<Locale>, state: RequestState) -> String {
    use RequestState::*;
    match state {
        VerifikasiKode => t_string!(i18n, request.state_verifikasi_kode),
        MenungguKasi => t_string!(i18n, request.state_menunggu_kasi),
        MenungguKabid => t_string!(i18n, request.state_menunggu_kabid),
        InputData => t_string!(i18n, request.state_input_data),
        VerifikasiData => t_string!(i18n, request.state_verifikasi_data),
        UjiAkun => t_string!(i18n, request.state_uji_akun),
        Pelaporan => t_string!(i18n, request.state_pelaporan),
        Pemeriksaan => t_string!(i18n, request.state_pemeriksaan),
        Perbaikan => t_string!(i18n, request.state_perbaikan),
        PembuatanAkun => t_string!(i18n, request.state_pembuatan_akun),
        Pengiriman => t_string!(i18n, request.state_pengiriman),
        Selesai => t_string!(i18n, request.state_selesai),
        Ditolak => t_string!(i18n, request.state_ditolak),
        Dibatalkan => t_string!(i18n, request.state_dibatalkan),
        Proses => t_string!(i18n, request.state_proses),
        Memproses => t_string!(i18n, request.state_memproses),
        IsiSimpeg => t_string!(i18n, request.state_isi_simpeg),
        Penerimaan => t_string!(i18n, request.state_penerimaan),
    }
    .to_string()
}

pub fn action_label(i18n: I18nContext<Locale>, action: RequestAction) -> String {
    use RequestAction::*;
    match action {
        Buat => t_string!(i18n, request.action_buat),
        KirimUlangKode => t_string!(i18n, request.action_kirim_ulang_kode),
        KonfirmasiKode => t_string!(i18n, request.action_konfirmasi_kode),
        Batalkan => t_string!(i18n, request.action_batalkan),
        Setujui => t_string!(i18n, request.action_setujui),
        Tolak => t_string!(i18n, request.action_tolak),
        InputData => t_string!(i18n, request.action_input_data),
        SetujuiData => t_string!(i18n, request.action_setujui_data),
        KembalikanData => t_string!(i18n, request.action_kembalikan_data),
        UjiBerhasil => t_string!(i18n, request.action_uji_berhasil),
        UjiGagal => t_string!(i18n, request.action_uji_gagal),
        UjiUlang => t_string!(i18n, request.action_uji_ulang),
        KirimLaporan => t_string!(i18n, request.action_kirim_laporan),
        Kembalikan => t_string!(i18n, request.action_kembalikan),
        KirimUlang => t_string!(i18n, request.action_kirim_ulang),
        BuatAkun => t_string!(i18n, request.action_buat_akun),
        KirimAktivasi => t_string!(i18n, request.action_kirim_aktivasi),
        ProsesBatch => t_string!(i18n, request.action_proses_batch),
        BatchSelesai => t_string!(i18n, request.action_batch_selesai),
        TandaiDimuat => t_string!(i18n, request.action_tandai_dimuat),
        Laporkan => t_string!(i18n, request.action_laporkan),
        TerimaLaporan => t_string!(i18n, request.action_terima_laporan),
    }
    .to_string()
}

fn fact_label(i18n: I18nContext<Locale>, key: &str) -> String {
    match key {
        "address" => t_string!(i18n, request.fact_address),
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
    let rows = Resource::new(move || only_open.get(), list_requests);
    let staff = crate::components::layout::use_staff();
    let is_petugas = staff.as_ref().map(|m| m.has(Role::Petugas)).unwrap_or(false);
    let is_kepala_opd = staff.as_ref().map(|m| m.has(Role::KepalaOpd)).unwrap_or(false);
    view! {
        <h1>{t!(i18n, request.list_title)}</h1>
        <p class="lead">{t!(i18n, request.list_lead)}</p>
        <div class="toolbar">
            {is_petugas.then(|| view! { <A href="/admin/ganti-nomor" attr:class="button button-primary">{t!(i18n, request.desk_link)}</A> })}
            {is_kepala_opd.then(|| view! { <A href="/admin/akun-unit/baru" attr:class="button button-primary">{t!(i18n, request.new_unit_link)}</A> })}
            <label class="check">
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
                                        <strong>{ticket}</strong>" · "{kind}
                                        <div class="muted">{subject}</div>
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

/// A step on any request type, sent to that type's server function.
#[derive(Clone, Debug)]
enum StepCall {
    Phone(PhoneChangeAction),
    Unit(UnitAccountAction),
    Personal(PersonalAccountAction),
    Simpeg(RequestAction),
}

async fn send_step(ticket: String, version: i32, call: StepCall) -> Result<(), AppError> {
    match call {
        StepCall::Phone(a) => phone_change_step(ticket, version, a).await,
        StepCall::Unit(a) => unit_account_step(ticket, version, a).await,
        StepCall::Personal(a) => personal_account_step(ticket, version, a).await,
        StepCall::Simpeg(a) => crate::api::kinds::simpeg::simpeg_step(ticket, version, a.to_string()).await,
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
    let has = |a: RequestAction| d.actions.contains(&a);
    let code = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let t1 = ticket.clone();
    let send = move |s: StepCall| {
        step.dispatch((t1.clone(), version, s));
    };
    let send = StoredValue::new(send);
    let sop_line = d.standard_minutes.map(|m| fill(&fill(t_string!(i18n, request.sop_line), "sop", &d.sop), "minutes", &m.to_string()));
    use RequestAction as A;
    let (can_confirm, can_resend, can_cancel, can_approve, can_reject) =
        (has(A::KonfirmasiKode), has(A::KirimUlangKode), has(A::Batalkan), has(A::Setujui), has(A::Tolak));
    let unit = d.row.kind == RequestKind::UnitAccount;
    let personal = d.row.kind == RequestKind::PersonalAccount;
    let simpeg = d.row.kind == RequestKind::SimpegBulk;
    let simpeg_actions: Vec<RequestAction> = if simpeg { d.actions.clone() } else { vec![] };
    let (can_return_fix, can_create) = (has(A::Kembalikan), has(A::BuatAkun));
    let (can_input, can_approve_data, can_return, can_retry, can_report) =
        (has(A::InputData), has(A::SetujuiData), has(A::KembalikanData), has(A::UjiUlang), has(A::KirimLaporan));
    let fact = |k: &str| d.facts.iter().find(|f| f.key == k).map(|f| f.value.clone()).unwrap_or_default();
    let input_defaults = UnitAccountData {
        local_part: Some(fact("final_local")).filter(|l| !l.is_empty()).unwrap_or_else(|| fact("proposed_local")),
        quota_mb: Some(fact("quota_mb")).filter(|q| !q.is_empty()).unwrap_or_else(|| "2048".into()),
        aliases: fact("aliases"),
        ends_on: fact("ends_on"),
    };
    let is_event = fact("account_kind") == "event";
    let attachments = d.attachments.clone();
    let any_action = !d.actions.is_empty();
    view! {
        <article class="request" data-testid="request" data-state=d.row.state.as_str()>
            <header class="request-head">
                <h1>{d.row.ticket.clone()}</h1>
                <p class="lead">{kind_label(i18n, d.row.kind)}" · "{d.row.subject.clone()}</p>
                <p>
                    <span class="badge" data-testid="request-state">{state_label(i18n, d.row.state)}</span>
                    {d.row.overdue.then(|| view! { " "<span class="badge badge-danger">{t!(i18n, request.overdue)}</span> })}
                </p>
                {d.row.due_at.clone().filter(|_| !d.row.closed).map(|due| view! { <p class="muted">{t!(i18n, request.due)}": "{due}</p> })}
                {sop_line.map(|s| view! { <p class="muted">{s}</p> })}
            </header>
            <dl class="facts">
                {d.facts.iter().map(|f| {
                    let value = if f.key == "doc_type" || f.key == "account_kind" { doc_label(i18n, &f.value) } else { f.value.clone() };
                    view! { <div class="fact"><dt>{fact_label(i18n, &f.key)}</dt><dd data-fact=f.key.clone()>{value}</dd></div> }
                }).collect_view()}
            </dl>

            {(!attachments.is_empty()).then(|| view! {
                <section aria-labelledby="attachments-title">
                    <h2 id="attachments-title">{t!(i18n, request.attachments)}</h2>
                    <ul class="attachments" data-testid="attachments">
                        {attachments.into_iter().map(|a| {
                            let size = format!("{:.0} KB", (a.size_bytes as f64 / 1024.0).ceil());
                            view! { <li><a href=format!("/lampiran/{}", a.id) download rel="external">{a.filename}</a>" · "<span class="muted">{size}</span></li> }
                        }).collect_view()}
                    </ul>
                </section>
            })}
            <section class="card actions no-print" aria-labelledby="actions-title">
                <h2 id="actions-title" class="visually-hidden">{t!(i18n, request.approve)}</h2>
                <ErrorBanner error=step_error/>
                {move || (step.value().get().is_some_and(|r| r.is_ok()) && !step.pending().get()).then(|| view! {
                    <div class="banner banner-ok" role="status">{t!(i18n, request.done_ok)}</div>
                })}
                {(!any_action).then(|| view! { <p class="muted">{t!(i18n, request.no_actions)}</p> })}
                {can_confirm.then(|| view! {
                    <form class="form" novalidate data-testid="confirm-code" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        send.with_value(|s| s(StepCall::Phone(PhoneChangeAction::ConfirmCode { code: code.get_untracked() })));
                    }>
                        <div class="field">
                            <label for="rq-code">{t!(i18n, request.code_label)}</label>
                            <input id="rq-code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" pattern="[0-9]{6}" class="code-input"
                                aria-describedby="code-error" aria-invalid=invalid(step_errors, "code")
                                on:input=move |ev| code.set(event_target_value(&ev))/>
                            <FieldMessages field="code" errors=step_errors/>
                        </div>
                        <button type="submit" class="button button-primary button-block" disabled=move || step.pending().get()>{t!(i18n, request.confirm_code)}</button>
                    </form>
                })}
                {can_resend.then(|| view! {
                    <button type="button" class="button button-quiet" disabled=move || step.pending().get()
                        on:click=move |_| send.with_value(|s| s(StepCall::Phone(PhoneChangeAction::ResendCode)))>{t!(i18n, request.resend_code)}</button>
                })}
                {simpeg.then(|| view! { <crate::pages::kinds::simpeg::SimpegRequestPanel ticket=ticket.clone()/> })}
                {simpeg_actions.clone().into_iter().map(|a| {
                    let label = action_label(i18n, a);
                    view! { <button type="button" class="button button-primary button-block" data-testid=format!("step-{a}") disabled=move || step.pending().get()
                        on:click=move |_| send.with_value(|s| s(StepCall::Simpeg(a)))>{label}</button> }
                }).collect_view()}
                {can_approve.then(|| view! {
                    <button type="button" class="button button-primary button-block" data-testid="approve" disabled=move || step.pending().get()
                        on:click=move |_| send.with_value(|s| s(if personal { StepCall::Personal(PersonalAccountAction::Approve) } else if unit { StepCall::Unit(UnitAccountAction::Approve) } else { StepCall::Phone(PhoneChangeAction::Approve) }))>{t!(i18n, request.approve)}</button>
                })}
                {can_input.then(|| view! { <AccountDataForm defaults=input_defaults.clone() is_event=is_event errors=step_errors pending=step_pending
                    on_save=Callback::new(move |data| send.with_value(|s| s(StepCall::Unit(UnitAccountAction::InputData { data }))))/> })}
                {can_approve_data.then(|| view! {
                    <button type="button" class="button button-primary button-block" data-testid="approve-data" disabled=move || step.pending().get()
                        on:click=move |_| send.with_value(|s| s(StepCall::Unit(UnitAccountAction::ApproveData)))>{t!(i18n, request.approve_data)}</button>
                })}
                {can_retry.then(|| view! {
                    <button type="button" class="button button-primary button-block" data-testid="retry-test" disabled=move || step.pending().get()
                        on:click=move |_| send.with_value(|s| s(if personal { StepCall::Personal(PersonalAccountAction::RetryTest) } else { StepCall::Unit(UnitAccountAction::RetryTest) }))>{t!(i18n, request.retry_test)}</button>
                })}
                {can_report.then(|| view! {
                    <button type="button" class="button button-primary button-block" data-testid="send-report" disabled=move || step.pending().get()
                        on:click=move |_| send.with_value(|s| s(StepCall::Unit(UnitAccountAction::SendReport)))>{t!(i18n, request.send_report)}</button>
                })}
                {can_create.then(|| view! { <PersonalCreateForm local=fact("proposed_local") errors=step_errors pending=step_pending
                    on_save=Callback::new(move |data| send.with_value(|s| s(StepCall::Personal(PersonalAccountAction::Create { data }))))/> })}
                {(personal && (can_reject || can_return_fix)).then(|| view! {
                    // SOP 002 step 2: return for correction or reject, each with a reason
                    <form class="form" novalidate data-testid="check-note" on:submit=move |ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                        <div class="field">
                            <label for="rq-note">{t!(i18n, request.note_label)}</label>
                            <textarea id="rq-note" rows="2" aria-describedby="note-error" aria-invalid=invalid(step_errors, "note")
                                on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                            <FieldMessages field="note" errors=step_errors/>
                        </div>
                        <div class="button-row">
                            <button type="button" class="button button-quiet" data-testid="return-fix" disabled=move || step.pending().get()
                                on:click=move |_| send.with_value(|s| s(StepCall::Personal(PersonalAccountAction::Return { note: note.get_untracked() })))>{t!(i18n, request.return_fix)}</button>
                            <button type="button" class="button button-danger" data-testid="reject" disabled=move || step.pending().get()
                                on:click=move |_| send.with_value(|s| s(StepCall::Personal(PersonalAccountAction::Reject { note: note.get_untracked() })))>{t!(i18n, request.reject)}</button>
                        </div>
                    </form>
                })}
                {(!personal && (can_reject || can_cancel || can_return)).then(|| view! {
                    <form class="form" novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        let n = note.get_untracked();
                        let call = match (unit, can_reject, can_return) {
                            (true, true, _) => StepCall::Unit(UnitAccountAction::Reject { note: n }),
                            (true, _, true) => StepCall::Unit(UnitAccountAction::ReturnData { note: n }),
                            (false, true, _) => StepCall::Phone(PhoneChangeAction::Reject { note: n }),
                            _ => StepCall::Phone(PhoneChangeAction::Cancel { note: n }),
                        };
                        send.with_value(|s| s(call));
                    }>
                        <div class="field">
                            <label for="rq-note">{t!(i18n, request.note_label)}</label>
                            <textarea id="rq-note" rows="2" aria-describedby="note-error" aria-invalid=invalid(step_errors, "note")
                                on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                            <FieldMessages field="note" errors=step_errors/>
                        </div>
                        <button type="submit" class="button button-danger" disabled=move || step.pending().get()>
                            {if can_reject { t_string!(i18n, request.reject).to_string() } else if can_return { t_string!(i18n, request.return_data).to_string() } else { t_string!(i18n, request.cancel).to_string() }}
                        </button>
                    </form>
                })}
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
                                <div class="muted">{s.at.clone()}" · "{s.actor.clone()}</div>
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

/// The printable report is this page; print styles hide the controls.
fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}
