//! The dashboard (`/admin/dasbor`): per request type the open and overdue
//! requests and, for a month, each step's median time against its standard,
//! with the monthly recap to download; and the Admin sistem's service-level
//! settings (`/admin/layanan`).
use crate::api::reports::{get_dashboard, get_service_levels, save_service_levels};
use crate::components::form::{field_errors_of, ErrorBanner, FieldMessages};
use crate::components::layout::RequireRole;
use crate::components::text::{kind_label, month_name, state_label};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use model::{FlowStats, OfficeDay, Role, ServiceLevelSettings, StepStandard};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, reports.dashboard_title).to_string()/>
        <RequireRole roles=model::access::REQUESTS>
            <DashboardView/>
        </RequireRole>
    }
}

#[component]
fn DashboardView() -> impl IntoView {
    let i18n = use_i18n();
    // empty = this month (the server knows the office's date)
    let month = RwSignal::new(String::new());
    let data = Resource::new(move || month.get(), get_dashboard);
    view! {
        <h1>{t!(i18n, reports.dashboard_title)}</h1>
        <p class="lead">{t!(i18n, reports.dashboard_lead)}</p>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e)) detailed=true/> }.into_any(),
                    Ok(d) => {
                        let m = d.month.clone();
                        view! {
                            // the picker shows the month on screen (the server picks this
                            // month when none was asked), in the page's language: the
                            // browser's own month input speaks the browser's
                            <MonthPicker current=d.month.clone() on_pick=Callback::new(move |m: String| month.set(m))/>
                            <p class="muted" data-testid="dashboard-month">{t!(i18n, reports.month)}": "{month_text(i18n, &d.month)}</p>
                            <div class="dashboard" data-testid="dashboard">
                                {d.flows.into_iter().map(|f| view! { <FlowCard f=f month=m.clone()/> }).collect_view()}
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// `2026-11` → ("2026", 11).
fn split_month(m: &str) -> Option<(i32, u32)> {
    let (y, mm) = m.split_once('-')?;
    Some((y.parse().ok()?, mm.parse().ok().filter(|n| (1..=12).contains(n))?))
}

/// `2026-11` → "November 2026" in the page's language.
fn month_text(i18n: leptos_i18n::I18nContext<Locale>, m: &str) -> String {
    match split_month(m) {
        Some((y, mm)) => format!("{} {y}", month_name(i18n, mm)),
        None => m.to_string(),
    }
}

/// Month and year as two lists in the page's language.
#[component]
fn MonthPicker(current: String, on_pick: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let (year, month) = split_month(&current).unwrap_or((2026, 1));
    let month_in = NodeRef::<leptos::html::Select>::new();
    let year_in = NodeRef::<leptos::html::Select>::new();
    let pick = move |_| {
        let v = |n: NodeRef<leptos::html::Select>| n.get().map(|e| e.value()).unwrap_or_default();
        if let (Ok(y), Ok(m)) = (v(year_in).parse::<i32>(), v(month_in).parse::<u32>()) {
            on_pick.run(format!("{y:04}-{m:02}"));
        }
    };
    view! {
        <fieldset class="toolbar month-picker">
            <legend>{t!(i18n, reports.month)}</legend>
            <label for="db-month" class="visually-hidden">{t!(i18n, reports.month)}</label>
            <select id="db-month" node_ref=month_in on:change=pick>
                {(1..=12u32).map(|m| view! { <option value=m.to_string() selected=m == month>{month_name(i18n, m)}</option> }).collect_view()}
            </select>
            <label for="db-year" class="visually-hidden">{t!(i18n, reports.year)}</label>
            <select id="db-year" node_ref=year_in on:change=pick>
                {((year - 5)..=(year + 1)).map(|y| view! { <option value=y.to_string() selected=y == year>{y}</option> }).collect_view()}
            </select>
        </fieldset>
    }
}

#[component]
fn FlowCard(f: FlowStats, month: String) -> impl IntoView {
    let i18n = use_i18n();
    let xlsx = format!("/laporan/rekap?sop={}&bulan={month}&format=xlsx", f.sop);
    let csv = format!("/laporan/rekap?sop={}&bulan={month}&format=csv", f.sop);
    view! {
        <section class="card flow-stats" data-kind=f.kind.as_str()>
            <h2>{kind_label(i18n, f.kind)}" · SOP "{f.sop.clone()}</h2>
            <dl class="stats">
                <div><dt>{t!(i18n, reports.open)}</dt><dd data-stat="open">{f.open}</dd></div>
                <div class:stat-bad={f.overdue > 0}><dt>{t!(i18n, reports.overdue)}</dt><dd data-stat="overdue">{f.overdue}</dd></div>
                <div><dt>{t!(i18n, reports.created)}</dt><dd data-stat="created">{f.created}</dd></div>
                <div><dt>{t!(i18n, reports.closed)}</dt><dd data-stat="closed">{f.closed}</dd></div>
            </dl>
            // on a phone each step becomes a block with its figures labelled
            // (`table-stack`): every column stays in view, none is cut
            <div class="table-wrap">
                <table class="table table-stack">
                    <thead><tr>
                        <th scope="col">{t!(i18n, reports.step)}</th>
                        <th scope="col">{t!(i18n, reports.count)}</th>
                        <th scope="col">{t!(i18n, reports.median)}</th>
                        <th scope="col">{t!(i18n, reports.standard)}</th>
                        <th scope="col">{t!(i18n, reports.within)}</th>
                    </tr></thead>
                    <tbody>
                        {f.steps.into_iter().map(|s| {
                            let late = matches!((s.median_minutes, s.standard_minutes), (Some(m), Some(st)) if m > st);
                            let within = (s.within_standard * 100).checked_div(s.count).map(|p| format!("{p}%")).unwrap_or_else(|| "—".to_string());
                            view! {
                                <tr class:late=late data-state=s.state.as_str()>
                                    <th scope="row">{format!("{}. ", s.step_no)}{state_label(i18n, s.state)}</th>
                                    <td data-label=t_string!(i18n, reports.count).to_string()>{s.count}</td>
                                    <td data-stat="median" data-label=t_string!(i18n, reports.median).to_string()>{s.median_minutes.map(|m| format!("{m} mnt")).unwrap_or_else(|| "—".into())}</td>
                                    <td data-label=t_string!(i18n, reports.standard).to_string()>{s.standard_minutes.map(|m| format!("{m} mnt")).unwrap_or_else(|| "—".into())}</td>
                                    <td data-label=t_string!(i18n, reports.within).to_string()>{within}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="button-row">
                <a class="button button-quiet" href=xlsx rel="external" download data-testid="recap-xlsx">{t!(i18n, reports.download_xlsx)}</a>
                <a class="button button-quiet" href=csv rel="external" download data-testid="recap-csv">{t!(i18n, reports.download_csv)}</a>
            </p>
        </section>
    }
}

#[component]
pub fn ServiceLevelsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, reports.levels_title).to_string()/>
        <RequireRole roles=model::access::AUDIT>
            <ServiceLevelsView/>
        </RequireRole>
    }
}

fn weekday(i18n: leptos_i18n::I18nContext<Locale>, i: usize) -> String {
    match i {
        0 => t_string!(i18n, reports.mon),
        1 => t_string!(i18n, reports.tue),
        2 => t_string!(i18n, reports.wed),
        3 => t_string!(i18n, reports.thu),
        4 => t_string!(i18n, reports.fri),
        5 => t_string!(i18n, reports.sat),
        _ => t_string!(i18n, reports.sun),
    }
    .to_string()
}

#[component]
fn ServiceLevelsView() -> impl IntoView {
    let i18n = use_i18n();
    let save = Action::new(|s: &ServiceLevelSettings| save_service_levels(s.clone()));
    let data = Resource::new(move || save.version().get(), |_| get_service_levels());
    let staff = crate::components::layout::use_staff();
    let can_edit = staff.as_ref().map(|m| m.has(Role::Admin)).unwrap_or(false);
    view! {
        <h1>{t!(i18n, reports.levels_title)}</h1>
        <p class="lead">{t!(i18n, reports.levels_lead)}</p>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorBanner error=Signal::stored(Some(e))/> }.into_any(),
                    Ok(s) => view! {
                        // admins get the setting names; everyone else a plain sentence and who to ask
                        {(!s.mail_server_ready).then(|| view! {
                            <div class="banner banner-warn" role="status" data-testid="mail-server-missing">
                                {if can_edit { t_string!(i18n, reports.mail_server_missing_admin) } else { t_string!(i18n, reports.mail_server_missing) }}
                            </div>
                        })}
                        <LevelsForm s=s save=save can_edit=can_edit/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn LevelsForm(s: ServiceLevelSettings, save: Action<ServiceLevelSettings, Result<(), model::error::AppError>>, can_edit: bool) -> impl IntoView {
    let i18n = use_i18n();
    let errors = Signal::derive(move || field_errors_of(&save.value().get().and_then(|r| r.err())));
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let steps: Vec<(StepStandard, RwSignal<String>)> = s.steps.iter().map(|st| (st.clone(), RwSignal::new(st.minutes.to_string()))).collect();
    let mail_server_ready = s.mail_server_ready;
    let days: Vec<(RwSignal<bool>, RwSignal<String>, RwSignal<String>)> =
        s.days.iter().map(|d| (RwSignal::new(d.closed), RwSignal::new(d.open.clone()), RwSignal::new(d.close.clone()))).collect();
    let holidays = RwSignal::new(s.holidays.clone());
    let steps_for_submit = StoredValue::new(steps.clone());
    let days_for_submit = StoredValue::new(days.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let steps = steps_for_submit
            .with_value(|v| v.iter().map(|(st, m)| StepStandard { minutes: m.get_untracked().trim().parse().unwrap_or(0), ..st.clone() }).collect());
        let days = days_for_submit
            .with_value(|v| v.iter().map(|(c, o, cl)| OfficeDay { closed: c.get_untracked(), open: o.get_untracked(), close: cl.get_untracked() }).collect());
        save.dispatch(ServiceLevelSettings { steps, days, holidays: holidays.get_untracked(), mail_server_ready });
    };
    view! {
        <form class="form" novalidate data-testid="service-levels" on:submit=on_submit>
            <ErrorBanner error=error/>
            {move || (save.value().get().is_some_and(|r| r.is_ok()) && !save.pending().get()).then(|| view! {
                <div class="banner banner-ok" role="status" data-testid="levels-saved">{t!(i18n, reports.saved)}</div>
            })}
            <fieldset class="card" disabled=!can_edit>
                <legend>{t!(i18n, reports.standards)}</legend>
                <div class="table-wrap">
                    <table class="table">
                        <thead><tr>
                            <th scope="col">{t!(i18n, reports.step)}</th>
                            <th scope="col">{t!(i18n, reports.sop_default)}</th>
                            <th scope="col">{t!(i18n, reports.standard_minutes)}</th>
                        </tr></thead>
                        <tbody>
                            {steps.into_iter().map(|(st, minutes)| {
                                let id = format!("step-{}-{}", st.kind, st.state);
                                let field = id.clone();
                                view! {
                                    <tr>
                                        <th scope="row"><label for=id.clone()>{kind_label(i18n, st.kind)}" · "{format!("{}. ", st.step_no)}{state_label(i18n, st.state)}</label></th>
                                        <td>{st.default_minutes}" mnt"</td>
                                        <td>
                                            <input id=id type="number" inputmode="numeric" min="1" max="4800" class="input-narrow" value=minutes.get_untracked()
                                                on:input=move |ev| minutes.set(event_target_value(&ev))/>
                                            <FieldMessages field=field errors=errors/>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </fieldset>
            <fieldset class="card" disabled=!can_edit>
                <legend>{t!(i18n, reports.office_hours)}</legend>
                {days.into_iter().enumerate().map(|(i, (closed, open, close))| {
                    let field = format!("day-{i}");
                    view! {
                        <div class="field office-day">
                            <strong>{weekday(i18n, i)}</strong>
                            <label class="check"><input type="checkbox" checked=closed.get_untracked() on:change=move |ev| closed.set(event_target_checked(&ev))/>{t!(i18n, reports.closed_day)}</label>
                            <span class:hidden=move || closed.get()>
                                <input type="time" value=open.get_untracked() aria-label=t_string!(i18n, reports.opens).to_string() on:input=move |ev| open.set(event_target_value(&ev))/>
                                " – "
                                <input type="time" value=close.get_untracked() aria-label=t_string!(i18n, reports.closes).to_string() on:input=move |ev| close.set(event_target_value(&ev))/>
                            </span>
                            <FieldMessages field=field errors=errors/>
                        </div>
                    }
                }).collect_view()}
                <FieldMessages field="days" errors=errors/>
            </fieldset>
            <fieldset class="card" disabled=!can_edit>
                <legend>{t!(i18n, reports.holidays)}</legend>
                <div class="field">
                    <label for="sl-holidays">{t!(i18n, reports.holidays_hint)}</label>
                    <textarea id="sl-holidays" rows="6" aria-describedby="holidays-error" on:input=move |ev| holidays.set(event_target_value(&ev))>{s.holidays.clone()}</textarea>
                    <FieldMessages field="holidays" errors=errors/>
                </div>
            </fieldset>
            {can_edit.then(|| view! {
                <button type="submit" class="button button-primary button-block" disabled=move || save.pending().get()>{t!(i18n, reports.save)}</button>
            })}
        </form>
    }
}
