//! Who is signed in, fetched once per page load and shared through context.
use crate::api::auth::get_me;
use crate::model::Me;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct MeResource(pub Resource<Option<Me>>);

#[component]
pub fn MeProvider(children: Children) -> impl IntoView {
    let me = Resource::new(|| (), |_| async { get_me().await.ok().flatten() });
    provide_context(MeResource(me));
    children()
}

pub fn use_me() -> Resource<Option<Me>> {
    expect_context::<MeResource>().0
}
