//! "Pekerjaan saya": the signed-in staff member's queues, one per role.
use crate::api::home::my_queues;
use crate::components::text::{queue_name, role_name};
use crate::components::wrap::Breakable;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::components::A;
use model::Role;

/// What each role will find here, for the empty state.
fn role_help(i18n: I18nContext<Locale>, role: Role) -> String {
    match role {
        Role::Admin => t_string!(i18n, home.help_admin),
        Role::Auditor => t_string!(i18n, home.help_auditor),
        Role::Petugas => t_string!(i18n, home.help_petugas),
        Role::Kasi => t_string!(i18n, home.help_kasi),
        Role::Kabid => t_string!(i18n, home.help_kabid),
        Role::KepalaOpd => t_string!(i18n, home.help_kepala_opd),
        Role::PengelolaSimpeg => t_string!(i18n, home.help_pengelola_simpeg),
        Role::PejabatStruktural => t_string!(i18n, home.help_pejabat_struktural),
    }
    .to_string()
}

#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    let roles: Vec<Role> = crate::components::layout::use_staff()
        .map(|m| {
            let mut r: Vec<Role> = m.roles.iter().map(|g| g.role).collect();
            r.dedup();
            r
        })
        .unwrap_or_default();
    let queues = Resource::new(|| (), |_| my_queues());
    view! {
        <Title text=t_string!(i18n, home.title).to_string()/>
        <h1>{t!(i18n, home.title)}</h1>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || {
                let roles = roles.clone();
                Suspend::new(async move {
                let queues = queues.await.unwrap_or_default();
                let waiting: u64 = queues.iter().map(|q| q.open).sum();
                view! {
                    {(waiting == 0).then(|| view! { <p class="empty-state" data-testid="nothing-waiting">{t!(i18n, home.nothing_waiting)}</p> })}
                    {(waiting > 0).then(|| view! {
                        <ul class="queues" data-testid="queues">
                            {queues.into_iter().filter(|q| q.open > 0).map(|q| {
                                let more = (q.open as usize > q.items.len()).then_some(q.open);
                                let name = queue_name(i18n, &q.key);
                                view! {
                                <li class="queue" class:overdue={q.overdue > 0} data-queue=q.key.clone()>
                                    <A href=q.href.clone() attr:class="queue-head">
                                        <span class="queue-name">{name}</span>
                                        <span class="queue-count">{q.open}</span>
                                        {(q.overdue > 0).then(|| view! { <span class="badge badge-danger">{t!(i18n, home.overdue, count = q.overdue)}</span> })}
                                    </A>
                                    <ul class="queue-items">
                                        {q.items.into_iter().map(|it| view! {
                                            <li>
                                                <A href=format!("/admin/permohonan/{}", it.ticket) attr:class="queue-item">
                                                    <Breakable text=it.ticket.clone() class="ticket"/>
                                                    <span class="queue-subject"><Breakable text=it.subject/></span>
                                                    {it.due_at.map(|d| view! { <span class="muted" class:late=it.overdue>{t!(i18n, home.due)}" "{d}</span> })}
                                                </A>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                    {more.map(|n| view! { <A href=q.href.clone() attr:class="queue-more">{t!(i18n, home.see_all, count = n)}</A> })}
                                </li>
                            }}).collect_view()}
                        </ul>
                    })}
                    <div class="role-cards">
                        {roles.into_iter().map(|r| view! {
                            <section class="card role-card" data-role=r.code()>
                                <h2>{role_name(i18n, r)}</h2>
                                <p>{role_help(i18n, r)}</p>
                            </section>
                        }).collect_view()}
                    </div>
                }
            })}}
        </Suspense>
    }
}
