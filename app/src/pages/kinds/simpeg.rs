//! F5 (SOP 004): the Pengelola SIMPEG's import screen (`/admin/simpeg`):
//! upload, column mapping when headers differ, the checked rows with a
//! verdict filter and pages, per-row address edits, submit; and the panel
//! on the collective request's page (progress while the job runs, the
//! NIP → address file, the next step's button).
use crate::api::kinds::simpeg::{simpeg_edit_address, simpeg_get_mapping, simpeg_list, simpeg_progress, simpeg_set_mapping, simpeg_submit, simpeg_view};
use crate::components::form::ErrorBanner;
use crate::components::layout::RequireRole;
use crate::components::text::{field_error_text, fill};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
#[cfg(feature = "hydrate")]
use model::error::AppError;
use model::validation::FieldError;
#[cfg(feature = "hydrate")]
use model::SimpegUploaded;
use model::{BatchStatus, RequestState, RowStatus, RowVerdict, SimpegMapping, SimpegRowView};

#[component]
pub fn SimpegPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, simpeg.title).to_string()/>
        <RequireRole roles=model::access::SIMPEG_PREPARE>
            <SimpegImport/>
        </RequireRole>
    }
}

#[cfg(feature = "hydrate")]
async fn send_file(file: web_sys::File) -> Result<SimpegUploaded, FieldError> {
    let transport = || FieldError::new("file", model::ErrorCode::UploadFailed);
    let form = web_sys::FormData::new().map_err(|_| transport())?;
    form.append_with_blob_and_filename("file", &file, &file.name()).map_err(|_| transport())?;
    let res = gloo_net::http::Request::post("/simpeg/unggah").body(form).map_err(|_| transport())?.send().await.map_err(|_| transport())?;
    if res.ok() {
        return res.json::<SimpegUploaded>().await.map_err(|_| transport());
    }
    match res.json::<AppError>().await {
        Ok(AppError::Invalid(list)) => Err(list.0.into_iter().next().unwrap_or_else(transport)),
        _ => Err(transport()),
    }
}

#[component]
fn SimpegImport() -> impl IntoView {
    let i18n = use_i18n();
    let batch = RwSignal::new(None::<i32>);
    let mapping = RwSignal::new(None::<SimpegMapping>);
    let upload_error = RwSignal::new(None::<FieldError>);
    let uploading = RwSignal::new(false);
    let batches = Resource::new(move || batch.get(), |_| simpeg_list());
    let on_file = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = _ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            uploading.set(true);
            upload_error.set(None);
            leptos::task::spawn_local(async move {
                match send_file(file).await {
                    Ok(model::SimpegUploaded::Checked { batch_id }) => {
                        mapping.set(None);
                        batch.set(Some(batch_id));
                    }
                    Ok(model::SimpegUploaded::NeedsMapping(m)) => {
                        batch.set(None);
                        mapping.set(Some(m));
                    }
                    Err(e) => {
                        // a refused file leaves the input: the message stays, the name goes
                        input.set_value("");
                        upload_error.set(Some(e));
                    }
                }
                uploading.set(false);
            });
        }
    };
    view! {
        <h1>{t!(i18n, simpeg.title)}</h1>
        <p class="lead">{t!(i18n, simpeg.lead)}</p>
        <div class="field">
            <label for="simpeg-file">{t!(i18n, simpeg.file)}</label>
            <input id="simpeg-file" type="file" class="file-input" data-testid="simpeg-file" aria-describedby="simpeg-file-hint" accept=".xlsx,.xls,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,text/csv" on:change=on_file/>
            <p class="hint" id="simpeg-file-hint">{t!(i18n, simpeg.file_hint)}</p>
            {move || uploading.get().then(|| view! { <p class="hint" role="status">{t!(i18n, simpeg.uploading)}</p> })}
            {move || upload_error.get().map(|e| view! { <p class="field-error" data-testid="simpeg-upload-error">{field_error_text(i18n, &e)}</p> })}
        </div>
        {move || mapping.get().map(|m| view! { <MappingForm m=m batch=batch mapping=mapping/> })}
        {move || batch.get().map(|id| view! { <BatchPreview id=id/> })}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let list = batches.await.unwrap_or_default();
                if list.is_empty() {
                    return view! { <h2>{t!(i18n, simpeg.batches)}</h2><p class="muted" data-testid="simpeg-no-batches">{t!(i18n, simpeg.no_batches)}</p> }.into_any();
                }
                view! {
                    <h2>{t!(i18n, simpeg.batches)}</h2>
                    <ul class="plain-list">
                        {list.into_iter().map(|b| {
                            let id = b.id;
                            view! { <li>
                                <button type="button" class="button button-quiet" on:click=move |_| batch.set(Some(id))>{b.file_name.clone()}</button>
                                " · "{b.created_at.clone()}" · "{b.eligible}"/"{b.total}" · "{batch_status_label(i18n, b.status)}
                                {b.ticket.clone().map(|t| view! { " · "<a href=format!("/admin/permohonan/{t}")>{t.clone()}</a> })}
                            </li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn MappingForm(m: SimpegMapping, batch: RwSignal<Option<i32>>, mapping: RwSignal<Option<SimpegMapping>>) -> impl IntoView {
    let i18n = use_i18n();
    let id = m.batch_id;
    let columns: Vec<(String, RwSignal<String>, bool)> =
        m.fields.iter().map(|(f, c, req)| (f.clone(), RwSignal::new(c.map(|c| c.to_string()).unwrap_or_default()), *req)).collect();
    let headers = m.headers.clone();
    let cols = columns.clone();
    let apply = Action::new(move |_: &()| {
        let cols: Vec<(String, Option<usize>)> = cols.iter().map(|(f, s, _)| (f.clone(), s.get_untracked().parse().ok())).collect();
        async move { simpeg_set_mapping(id, cols).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = apply.value().get() {
            mapping.set(None);
            batch.set(Some(id));
        }
    });
    let error = Signal::derive(move || apply.value().get().and_then(|r| r.err()));
    let _ = simpeg_get_mapping;
    view! {
        <section class="card" data-testid="simpeg-mapping">
            <h2>{t!(i18n, simpeg.mapping_title)}</h2>
            <p>{t!(i18n, simpeg.mapping_lead)}</p>
            {columns.into_iter().map(|(field, sel, required)| {
                let headers = headers.clone();
                let label = format!("{}{}", field_label(i18n, &field), if required { " *" } else { "" });
                let id = format!("map-{field}");
                view! {
                    <div class="field">
                        <label for=id.clone()>{label}</label>
                        <select id=id prop:value=move || sel.get() on:change=move |ev| sel.set(event_target_value(&ev))>
                            <option value="">{t!(i18n, simpeg.not_in_file)}</option>
                            {headers.into_iter().enumerate().map(|(i, h)| view! { <option value=i.to_string()>{format!("{} · {h}", i + 1)}</option> }).collect_view()}
                        </select>
                    </div>
                }
            }).collect_view()}
            <ErrorBanner error=error detailed=true/>
            <button type="button" class="button button-primary" on:click=move |_| { apply.dispatch(()); }>{t!(i18n, simpeg.apply_mapping)}</button>
        </section>
    }
    .into_any()
}

#[component]
fn BatchPreview(id: i32) -> impl IntoView {
    let i18n = use_i18n();
    let filter = RwSignal::new(String::new());
    let page = RwSignal::new(0u32);
    let tick = RwSignal::new(0u32);
    let data = Resource::new(move || (filter.get(), page.get(), tick.get()), move |(f, p, _)| simpeg_view(id, f, p));
    let separate = RwSignal::new(false);
    let submit = Action::new(move |sep: &bool| simpeg_submit(id, *sep));
    let submit_error = Signal::derive(move || submit.value().get().and_then(|r| r.err()));
    view! {
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) detailed=true/> }.into_any(),
                    Ok(v) => {
                        let summary = fill(&fill(&fill(&fill(t_string!(i18n, simpeg.summary), "total", &v.total.to_string()), "eligible", &v.eligible.to_string()), "rejected", &v.rejected.to_string()), "already", &v.already.to_string());
                        let pages = (v.filtered as u32).div_ceil(v.page_size.max(1)).max(1);
                        let editable = v.editable;
                        let domain = v.domain.clone();
                        view! {
                            <section class="card" data-testid="simpeg-preview">
                                <p data-testid="simpeg-summary"><strong>{v.file_name.clone()}</strong>": "{summary}</p>
                                // people SIMPEG says have left: processing switches their mailbox off
                                {(v.leaving > 0).then(|| view! {
                                    <p class="banner banner-warn" data-testid="simpeg-leaving">
                                        {fill(&fill(t_string!(i18n, simpeg.summary_leaving), "leaving", &v.leaving.to_string()), "off", &v.switched_off.to_string())}
                                    </p>
                                })}
                                {v.ticket.clone().map(|t| view! { <p data-testid="simpeg-ticket"><a href=format!("/admin/permohonan/{t}")>{fill(t_string!(i18n, simpeg.submitted), "ticket", &t)}</a></p> })}
                                <div class="toolbar">
                                    <label for="simpeg-filter">{t!(i18n, simpeg.filter)}</label>
                                    <select id="simpeg-filter" data-testid="simpeg-filter" prop:value=move || filter.get() on:change=move |ev| { page.set(0); filter.set(event_target_value(&ev)); }>
                                        <option value="">{t!(i18n, simpeg.filter_all)}</option>
                                        <option value="eligible">{t!(i18n, simpeg.filter_eligible)}</option>
                                        <option value="rejected">{t!(i18n, simpeg.filter_rejected)}</option>
                                        <option value="has_account">{t!(i18n, simpeg.filter_has_account)}</option>
                                        <option value="leaving">{t!(i18n, simpeg.filter_leaving)}</option>
                                        <option value="failed">{t!(i18n, simpeg.filter_failed)}</option>
                                    </select>
                                    <a class="button button-quiet" href=format!("/simpeg/ditolak/{id}") rel="external" download data-testid="simpeg-rejected">{t!(i18n, simpeg.download_rejected)}</a>
                                </div>
                                <div class="table-wrap">
                                    <table class="table table-stack simpeg-table" data-testid="simpeg-rows">
                                        <thead><tr>
                                            <th>{t!(i18n, simpeg.line)}</th><th>"NIP"</th><th>{t!(i18n, simpeg.name)}</th><th>{t!(i18n, simpeg.unit)}</th><th>{t!(i18n, simpeg.verdict)}</th><th>{t!(i18n, simpeg.address)}</th>
                                        </tr></thead>
                                        <tbody>
                                            {v.rows.into_iter().map(|r| view! { <PreviewRow batch=id r=r editable=editable domain=domain.clone()/> }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <div class="toolbar">
                                    <button type="button" class="button button-quiet" disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>{t!(i18n, simpeg.prev)}</button>
                                    <span>{fill(t_string!(i18n, simpeg.page), "page", &format!("{}/{pages}", v.page + 1))}</span>
                                    <button type="button" class="button button-quiet" disabled=move || { page.get() + 1 >= pages } on:click=move |_| page.update(|p| *p += 1)>{t!(i18n, simpeg.next)}</button>
                                </div>
                                {editable.then(|| {
                                    // one collective request per unit and month: say which one this joins, and allow a separate one
                                    let joins = v.joins.clone().map(|t| view! {
                                        <p class="hint" data-testid="simpeg-joins">{fill(t_string!(i18n, simpeg.joins), "ticket", &t)}</p>
                                        <label class="check">
                                            <input type="checkbox" data-testid="simpeg-separate" prop:checked=move || separate.get() on:change=move |ev| separate.set(event_target_checked(&ev))/>
                                            <span>{t!(i18n, simpeg.separate)}</span>
                                        </label>
                                    });
                                    view! {
                                        <ErrorBanner error=submit_error detailed=true/>
                                        {joins}
                                        <button type="button" class="button button-primary button-block" data-testid="simpeg-submit" disabled=move || submit.pending().get()
                                            on:click=move |_| { submit.dispatch(separate.get_untracked()); }>{t!(i18n, simpeg.submit)}</button>
                                    }
                                })}
                                {move || submit.value().get().and_then(|r| r.ok()).map(|t| view! { <p data-testid="simpeg-submitted"><a href=format!("/admin/permohonan/{t}")>{fill(t_string!(i18n, simpeg.submitted), "ticket", &t)}</a></p> })}
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
    .into_any()
}

// The three labels below match every variant: a new verdict or status
// without a text does not build.
fn verdict_label(i18n: leptos_i18n::I18nContext<Locale>, v: RowVerdict) -> String {
    match v {
        RowVerdict::Eligible => t_string!(i18n, simpeg.verdict_eligible),
        RowVerdict::Rejected => t_string!(i18n, simpeg.verdict_rejected),
        RowVerdict::HasAccount => t_string!(i18n, simpeg.verdict_has_account),
        RowVerdict::Leaving => t_string!(i18n, simpeg.verdict_leaving),
    }
    .to_string()
}

fn batch_status_label(i18n: leptos_i18n::I18nContext<Locale>, s: BatchStatus) -> String {
    match s {
        BatchStatus::Mapping => t_string!(i18n, simpeg.batch_status_mapping),
        BatchStatus::Draft => t_string!(i18n, simpeg.batch_status_draft),
        BatchStatus::Submitted => t_string!(i18n, simpeg.batch_status_submitted),
        BatchStatus::Done => t_string!(i18n, simpeg.batch_status_done),
        BatchStatus::Discarded => t_string!(i18n, simpeg.batch_status_discarded),
    }
    .to_string()
}

fn row_status_label(i18n: leptos_i18n::I18nContext<Locale>, s: RowStatus) -> String {
    match s {
        RowStatus::Pending => t_string!(i18n, simpeg.row_status_pending),
        RowStatus::Done => t_string!(i18n, simpeg.row_status_done),
        RowStatus::Failed => t_string!(i18n, simpeg.row_status_failed),
        RowStatus::Skipped => t_string!(i18n, simpeg.row_status_skipped),
    }
    .to_string()
}

#[component]
fn PreviewRow(batch: i32, r: SimpegRowView, editable: bool, domain: String) -> impl IntoView {
    let i18n = use_i18n();
    let local = RwSignal::new(r.local_part.clone().unwrap_or_default());
    let row_id = r.id;
    let save = Action::new(move |l: &String| simpeg_edit_address(batch, row_id, l.clone()));
    let problem = r.address_problem;
    let reasons: Vec<String> = r.reasons.iter().map(|c| field_error_text(i18n, &FieldError::new("", *c))).collect();
    let eligible = r.verdict == RowVerdict::Eligible;
    let leaving = r.verdict == RowVerdict::Leaving;
    // once the job worked the row: what came of it
    let worked = matches!(r.status, RowStatus::Done | RowStatus::Failed).then(|| row_status_label(i18n, r.status));
    // on a phone each row becomes a card; the cells carry their column's name
    let address_label = t_string!(i18n, simpeg.address).to_string();
    view! {
        <tr data-verdict=r.verdict.as_str()>
            <td data-label=t_string!(i18n, simpeg.line).to_string()>{r.line}</td>
            <td data-label="NIP">{r.nip.clone().unwrap_or_default()}</td>
            // plain text nodes: a name like `<script>` is shown, never run
            <td data-label=t_string!(i18n, simpeg.name).to_string()>{r.name.clone()}</td>
            <td data-label=t_string!(i18n, simpeg.unit).to_string()>{r.unit.clone().unwrap_or_default()}</td>
            <td data-label=t_string!(i18n, simpeg.verdict).to_string()>{verdict_label(i18n, r.verdict)}{worked.map(|w| view! { " · "{w} })}{(!reasons.is_empty()).then(|| view! { <ul class="reasons">{reasons.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul> })}</td>
            <td data-label=address_label.clone()>
                {match (eligible, editable, leaving) {
                    (true, true, _) => view! {
                        <input type="text" class="input-address" aria-label=address_label.clone() prop:value=move || local.get() on:input=move |ev| local.set(event_target_value(&ev))/>
                        <span class="muted">"@"{domain.clone()}</span>
                        <button type="button" class="button button-quiet" on:click=move |_| { save.dispatch(local.get_untracked()); }>{t!(i18n, simpeg.save)}</button>
                    }.into_any(),
                    // a leaver's row shows the mailbox that processing switches off
                    (true, false, _) | (false, _, true) => view! { <span>{r.address.clone().or_else(|| r.local_part.clone().map(|l| format!("{l}@{domain}"))).unwrap_or_default()}</span> }.into_any(),
                    _ => ().into_any(),
                }}
                {problem.map(|p| view! { <p class="field-error">{field_error_text(i18n, &FieldError::new("local_part", p))}</p> })}
                {move || save.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBanner error=Signal::stored(Some(e)) detailed=true/> })}
                {r.error.map(|e| view! { <p class="field-error">{field_error_text(i18n, &FieldError::new("", e))}</p> })}
            </td>
        </tr>
    }
    .into_any()
}

/// The name of an import column in the user's language.
fn field_label(i18n: leptos_i18n::I18nContext<Locale>, code: &str) -> String {
    match code {
        "nip" => t_string!(i18n, simpeg.field_nip),
        "name" => t_string!(i18n, simpeg.field_name),
        "unit" => t_string!(i18n, simpeg.field_unit),
        "phone" => t_string!(i18n, simpeg.field_phone),
        "email" => t_string!(i18n, simpeg.field_email),
        "phone_verified" => t_string!(i18n, simpeg.field_phone_verified),
        "email_verified" => t_string!(i18n, simpeg.field_email_verified),
        "data_complete" => t_string!(i18n, simpeg.field_data_complete),
        "title_front" => t_string!(i18n, simpeg.field_title_front),
        "title_back" => t_string!(i18n, simpeg.field_title_back),
        "employment" => t_string!(i18n, simpeg.field_employment),
        _ => return code.to_string(),
    }
    .to_string()
}

/// On the collective request's page: progress (asked every second while the
/// batch waits for or runs its job) and the NIP → address file once accounts
/// exist. Browser only: a plain signal filled after hydration, so the server
/// and the hydrating browser render the same empty slot (no nested Suspense
/// inside the request page's own).
#[component]
pub fn SimpegRequestPanel(ticket: String) -> impl IntoView {
    let i18n = use_i18n();
    let progress = RwSignal::new(None::<crate::api::kinds::simpeg::SimpegJobProgress>);
    let slot = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    {
        // Ask only once the slot is hydrated: an answer that arrived while
        // the page was still hydrating would no longer match the server's HTML.
        let t = ticket.clone();
        slot.on_load(move |_| {
            let ask = move || {
                let t = t.clone();
                leptos::task::spawn_local(async move {
                    if let Ok(p) = simpeg_progress(t).await {
                        progress.try_set(Some(p));
                    }
                });
            };
            ask();
            let busy = move || progress.try_get_untracked().flatten().is_none_or(|p| matches!(p.state, RequestState::Proses | RequestState::Memproses));
            if let Ok(handle) = set_interval_with_handle(
                move || {
                    if busy() {
                        ask()
                    }
                },
                std::time::Duration::from_secs(1),
            ) {
                on_cleanup(move || handle.clear());
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = simpeg_progress;
    let export = format!("/simpeg/ekspor/{ticket}");
    view! {
        <div data-testid="simpeg-panel" node_ref=slot>
            {move || progress.get().map(|p| {
                let line = fill(&fill(&fill(t_string!(i18n, simpeg.progress), "made", &p.made.to_string()), "eligible", &p.eligible.to_string()), "failed", &p.failed.to_string());
                let running = p.state == RequestState::Memproses;
                let max = p.eligible.max(1).to_string();
                let export = export.clone();
                view! {
                    <section class="card" data-testid="simpeg-progress" data-state=p.state.as_str()>
                        <progress max=max value=p.made.to_string()></progress>
                        <p data-testid="simpeg-progress-line">{line}{running.then(|| view! { " · "{t!(i18n, simpeg.running)} })}</p>
                        {(p.made > 0 && !running).then(|| view! { <p><a href=export rel="external" download data-testid="simpeg-export">{t!(i18n, simpeg.export)}</a></p> })}
                    </section>
                }
            })}
        </div>
    }
    .into_any()
}

/// SOP 004 steps on the request page: the batch's progress and downloads,
/// then one button per step the viewer may take.
#[component]
pub fn SimpegActions(p: super::StepPanel) -> impl IntoView {
    use super::StepCall;
    let i18n = use_i18n();
    let (pending, send) = (p.pending, p.send);
    view! {
        <SimpegRequestPanel ticket=p.ticket.clone()/>
        {p.actions.iter().copied().map(|a| {
            let label = crate::components::text::action_label(i18n, a);
            view! { <button type="button" class="button button-primary button-block" data-testid=format!("step-{a}") disabled=move || pending.get()
                on:click=move |_| send.run(StepCall::Simpeg(a))>{label}</button> }
        }).collect_view()}
    }
}
