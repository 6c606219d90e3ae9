//! Staff and roles (Admin sistem): who has which role, add and remove grants.
use crate::api::second_factor::reset_staff_factor;
use crate::api::staff::{add_staff, list_staff, list_units, revoke_role, AddStaffInput};
use crate::components::form::{field_errors_of, invalid, ErrorBanner, FieldMessages};
use crate::components::layout::use_staff;
use crate::components::layout::RequireRole;
use crate::components::text::role_name;
use crate::components::wrap::Breakable;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use model::Role;

#[component]
pub fn StaffPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, staff.title).to_string()/>
        <RequireRole roles=model::access::ADMIN>
            <StaffManager/>
        </RequireRole>
    }
}

#[component]
fn StaffManager() -> impl IntoView {
    let i18n = use_i18n();
    let add = Action::new(|input: &AddStaffInput| add_staff(input.clone()));
    let revoke = Action::new(|id: &i32| revoke_role(*id));
    let reset = Action::new(|(id, reason): &(i32, String)| reset_staff_factor(*id, reason.clone()));
    let reset_error = Signal::derive(move || reset.value().get().and_then(|r| r.err()));
    let reset_done = Signal::derive(move || matches!(reset.value().get(), Some(Ok(()))));
    let me = use_staff().map(|m| m.mailbox_id);
    let staff = Resource::new(move || (add.version().get(), revoke.version().get()), |_| list_staff());
    let units = Resource::new(|| (), |_| list_units());
    let add_errors = Signal::derive(move || field_errors_of(&add.value().get().and_then(|r| r.err())));
    let add_error = Signal::derive(move || add.value().get().and_then(|r| r.err()));
    let revoke_error = Signal::derive(move || revoke.value().get().and_then(|r| r.err()));
    let added = Signal::derive(move || add.value().get().and_then(|r| r.ok()));

    let address = NodeRef::<leptos::html::Input>::new();
    let name = NodeRef::<leptos::html::Input>::new();
    let phone = NodeRef::<leptos::html::Input>::new();
    let role = NodeRef::<leptos::html::Select>::new();
    let unit = NodeRef::<leptos::html::Select>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = |n: NodeRef<leptos::html::Input>| n.get().map(|e| e.value()).unwrap_or_default();
        let s = |n: NodeRef<leptos::html::Select>| n.get().map(|e| e.value()).unwrap_or_default();
        add.dispatch(AddStaffInput { address: v(address), name: v(name), phone: v(phone), role: s(role), unit: s(unit) });
    };

    view! {
        <h1>{t!(i18n, staff.title)}</h1>
        <ErrorBanner error=revoke_error detailed=true/>
        <ErrorBanner error=reset_error detailed=true/>
        {move || reset_done.get().then(|| view! { <div class="banner banner-ok" role="status" data-testid="factor-reset">{t!(i18n, staff.factor_reset_done)}</div> })}
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let rows = staff.await.unwrap_or_default();
                view! {
                    <ul class="list" data-testid="staff-list">
                        {rows.into_iter().map(|s| view! {
                            <li class="list-item staff-row" data-address=s.address.clone()>
                                <div>
                                    <strong>{s.name.clone()}</strong>
                                    <div class="muted"><Breakable text=s.address.clone()/>{(s.status != "active").then(|| view! { " · "<span class="badge">{s.status.clone()}</span> })}</div>
                                </div>
                                <ul class="chips">
                                    {s.roles.iter().map(|g| {
                                        let id = g.id;
                                        let label = match &g.unit_name { Some(u) => format!("{} · {u}", role_name(i18n, g.role)), None => role_name(i18n, g.role) };
                                        let aria = format!("{} {}", t_string!(i18n, staff.remove), label);
                                        view! {
                                            <li class="chip">{label}
                                                <button class="chip-remove" aria-label=aria title=t_string!(i18n, staff.remove).to_string() on:click=move |_| { revoke.dispatch(id); }>"×"</button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                {(Some(s.mailbox_id) != me).then(|| {
                                    let id = s.mailbox_id;
                                    let reason = NodeRef::<leptos::html::Input>::new();
                                    let field = format!("reset-reason-{id}");
                                    view! {
                                        <details class="disclosure staff-reset">
                                            <summary>{t!(i18n, staff.factor_reset)}</summary>
                                            <form class="form" novalidate on:submit=move |ev| {
                                                ev.prevent_default();
                                                reset.dispatch((id, reason.get().map(|e| e.value()).unwrap_or_default()));
                                            }>
                                                <div class="field">
                                                    <label for=field.clone()>{t!(i18n, staff.factor_reset_reason)}</label>
                                                    <input id=field node_ref=reason type="text" maxlength="200" autocomplete="off"/>
                                                    <p class="hint">{t!(i18n, staff.factor_reset_help)}</p>
                                                </div>
                                                <button type="submit" class="button button-danger">{t!(i18n, staff.factor_reset_submit)}</button>
                                            </form>
                                        </details>
                                    }
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }
            })}
        </Transition>

        <section class="card">
            <h2>{t!(i18n, staff.add_title)}</h2>
            <p class="hint">{t!(i18n, staff.add_help)}</p>
            <ErrorBanner error=add_error/>
            {move || added.get().map(|r| view! {
                <div class="banner banner-ok" role="status" data-testid="staff-added">
                    {if r.activation_sent { t_string!(i18n, staff.added_link_sent).to_string() } else { t_string!(i18n, staff.added).to_string() }}
                </div>
            })}
            <form class="form" on:submit=on_submit novalidate data-testid="add-staff">
                <div class="field">
                    <label for="staff-address">{t!(i18n, staff.address)}</label>
                    <input id="staff-address" node_ref=address type="email" inputmode="email" autocomplete="off" autocapitalize="off"
                        aria-describedby="address-error" aria-invalid=invalid(add_errors, "address")/>
                    <FieldMessages field="address" errors=add_errors/>
                </div>
                <div class="field">
                    <label for="staff-name">{t!(i18n, staff.name)}</label>
                    <input id="staff-name" node_ref=name type="text" autocomplete="off" aria-describedby="name-error" aria-invalid=invalid(add_errors, "name")/>
                    <p class="hint">{t!(i18n, staff.name_hint)}</p>
                    <FieldMessages field="name" errors=add_errors/>
                </div>
                <div class="field">
                    <label for="staff-phone">{t!(i18n, staff.phone)}</label>
                    <input id="staff-phone" node_ref=phone type="tel" inputmode="tel" autocomplete="off" placeholder="0812…" aria-describedby="phone-error" aria-invalid=invalid(add_errors, "phone")/>
                    <FieldMessages field="phone" errors=add_errors/>
                </div>
                <div class="field">
                    <label for="staff-role">{t!(i18n, staff.role)}</label>
                    <select id="staff-role" node_ref=role aria-describedby="role-error">
                        {Role::ALL.into_iter().map(|r| view! { <option value=r.code()>{role_name(i18n, r)}</option> }).collect_view()}
                    </select>
                    <FieldMessages field="role" errors=add_errors/>
                </div>
                <div class="field">
                    <label for="staff-unit">{t!(i18n, staff.unit)}</label>
                    // The whole <select> waits for the units: a Suspense inside
                    // <select> leaves markers the HTML parser drops, breaking hydration.
                    <Transition fallback=|| view! { <select disabled><option>"…"</option></select> }>
                        {move || Suspend::new(async move {
                            let options = units.await.unwrap_or_default();
                            view! {
                                <select id="staff-unit" node_ref=unit aria-describedby="unit-error">
                                    <option value="">{t!(i18n, staff.unit_none)}</option>
                                    {options.into_iter().map(|u| view! { <option value=u.id.to_string()>{u.name}</option> }).collect_view()}
                                </select>
                            }
                        })}
                    </Transition>
                    <FieldMessages field="unit" errors=add_errors/>
                </div>
                <button type="submit" class="button button-primary" disabled=move || add.pending().get()>{t!(i18n, staff.add_submit)}</button>
            </form>
        </section>
    }
}
