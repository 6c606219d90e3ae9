//! Who is signed in, fetched once per admin-area load.
use crate::api::auth::get_me;
use crate::model::Me;
use leptos::prelude::*;

/// Created by the admin layout only: a resource that nobody awaits would
/// finish after the server response and touch a disposed owner.
pub fn me_resource() -> Resource<Option<Me>> {
    Resource::new(|| (), |_| async { get_me().await.ok().flatten() })
}
