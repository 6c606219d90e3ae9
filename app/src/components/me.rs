//! Who is signed in, fetched once per admin-area load.
use crate::api::auth::get_me;
use leptos::prelude::*;
use model::Me;

/// Created by the admin layout only: a resource that nobody awaits would
/// finish after the server response and touch a disposed owner.
pub fn me_resource() -> Resource<Option<Me>> {
    Resource::new(|| (), |_| async { get_me().await.ok().flatten() })
}

/// Who is signed in, as the server knew when it rendered this page. The value
/// travels with the HTML, so the hydrating browser needs neither a request nor
/// a Suspense around the whole staff area (a Suspense there would make the
/// server create the pages' resources twice, and the browser would then fetch
/// every page's data again). `None`: not known here, the page was reached by
/// client-side navigation and asks the server.
pub fn me_from_page() -> Option<Option<Me>> {
    SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            crate::api::ctx::cx().ok().map(|cx| cx.actor.map(|a| a.to_me()))
        }
        #[cfg(not(feature = "ssr"))]
        {
            None
        }
    })
    .into_inner()
}
