//! The HTTP router: pages (server-rendered Leptos), server functions, plain
//! form posts, static files, and the middleware around them.
use crate::state::WebState;
use crate::{forms, middleware, observe};
use app::{shell, App};
use axum::{
    extract::{Request, State},
    middleware::{from_fn, from_fn_with_state},
    routing::{get, post},
    Router,
};
use domain::AppState;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;

/// Leptos options built from our configuration (no Cargo.toml needed at run time).
pub fn leptos_options(state: &AppState) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("surel")
        .site_root(state.config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(state.config.bind)
        .env(leptos::config::Env::PROD)
        .build()
}

async fn server_fn_handler(State(state): State<WebState>, req: Request) -> impl axum::response::IntoResponse {
    let app = state.app.clone();
    leptos_axum::handle_server_fns_with_context(move || provide_context(app.clone()), req).await
}

/// `/pkg/`: the built CSS, JS and WASM, sent precompressed (`.br`, `.gz`
/// made by `.ci/build-light.sh`) when the browser accepts it, with caching
/// by version ([`middleware::static_cache`]).
fn pkg_files(site_root: &std::path::Path) -> Router<WebState> {
    let dir = tower_http::services::ServeDir::new(site_root.join("pkg")).precompressed_br().precompressed_gzip();
    Router::new().fallback_service(dir).layer(from_fn(middleware::static_cache::layer))
}

pub fn build(app_state: AppState) -> Router {
    // The URLs pages use for the built files, fingerprinted once at start-up.
    app::web::Assets::from_site(&app_state.config.site_root).install();
    let leptos = leptos_options(&app_state);
    let state = WebState { app: app_state.clone(), leptos: leptos.clone() };
    let routes = generate_route_list(App);
    let ctx = {
        let app = app_state.clone();
        move || provide_context(app.clone())
    };
    let secure = app_state.config.secure_cookies();
    let public_url = app_state.config.public_url.clone();
    observe::recorder();

    Router::new()
        // leptos_routes below also mounts every server function at its own
        // path, so the guard is a layer over everything, not a route layer.
        .route("/api/{*fn_name}", post(server_fn_handler).get(server_fn_handler))
        .route("/masuk", post(forms::auth::sign_in))
        .route("/masuk/verifikasi", post(forms::auth::second_step))
        .route("/masuk/faktor-baru", post(forms::auth::enroll))
        .route("/keluar", post(forms::auth::sign_out))
        .route("/bahasa", post(forms::auth::language))
        .route("/aktivasi/{token}", post(forms::activate::submit))
        .route("/ganti-sandi", post(forms::reset::submit))
        .route("/akun", post(forms::owner::submit))
        .route("/lampiran", post(forms::attachments::upload).layer(forms::attachments::body_limit()))
        .route("/lampiran/{id}", get(forms::attachments::download))
        .route("/laporan/rekap", get(forms::recap::download))
        .route("/laporan/akun", get(forms::mailbox_export::download))
        .route("/simpeg/unggah", post(forms::simpeg::upload).layer(forms::simpeg::body_limit()))
        .route("/simpeg/ditolak/{batch}", get(forms::simpeg::rejected))
        .route("/simpeg/ekspor/{ticket}", get(forms::simpeg::export))
        .route("/healthz", get(observe::healthz))
        .route("/readyz", get(observe::readyz))
        .route("/metrics", get(observe::metrics))
        .nest("/pkg", pkg_files(&app_state.config.site_root))
        .leptos_routes_with_context(&state, routes, ctx.clone(), {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<WebState, _>(ctx, shell))
        .layer(from_fn(middleware::api_guard::layer))
        .layer(from_fn(middleware::staff_area::layer))
        .layer(from_fn_with_state(app_state.clone(), middleware::session::layer))
        .layer(from_fn(move |req, next| middleware::csrf::layer(public_url.clone(), req, next)))
        // inside the security headers (it needs the request's nonce), outside the session lookup
        .layer(from_fn(middleware::page_cache::layer))
        .layer(from_fn(move |req, next| middleware::security_headers::layer(secure, req, next)))
        .layer(CompressionLayer::new())
        // outermost: times the whole answer, compression included
        .layer(from_fn(observe::record))
        .with_state(state)
}
