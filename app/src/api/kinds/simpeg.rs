//! Bulk ASN accounts from SIMPEG (SOP 004, F5). Thin: parse, rely on the
//! policy table, call `domain::kinds::simpeg::batch` (which checks the roles again).
//! The upload and the two XLSX files are plain HTTP (`server/src/forms/simpeg.rs`).
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use model::{RequestState, SimpegBatchRow, SimpegBatchView, SimpegMapping};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use server_fn::ServerFn as _;

/// Progress of a collective request's job (polled while it runs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimpegJobProgress {
    pub made: i64,
    pub failed: i64,
    pub eligible: i64,
    pub state: RequestState,
}

#[server(prefix = "/api", endpoint = "simpeg/list", input = Json)]
pub async fn simpeg_list() -> Result<Vec<SimpegBatchRow>, AppError> {
    crate::api::ctx::run(SimpegList::PATH, |cx| async move { domain::kinds::simpeg::batch::list(&cx.state, cx.actor()?).await }).await
}

#[server(prefix = "/api", endpoint = "simpeg/view", input = Json)]
pub async fn simpeg_view(batch_id: i32, filter: String, page: u32) -> Result<SimpegBatchView, AppError> {
    crate::api::ctx::run(SimpegView::PATH, |cx| async move { domain::kinds::simpeg::batch::view(&cx.state, cx.actor()?, batch_id, &filter, page).await }).await
}

#[server(prefix = "/api", endpoint = "simpeg/mapping", input = Json)]
pub async fn simpeg_get_mapping(batch_id: i32) -> Result<SimpegMapping, AppError> {
    crate::api::ctx::run(SimpegGetMapping::PATH, |cx| async move { domain::kinds::simpeg::batch::mapping(&cx.state, cx.actor()?, batch_id).await }).await
}

/// Field code → column (none: the file has no such column).
#[server(prefix = "/api", endpoint = "simpeg/set-mapping", input = Json)]
pub async fn simpeg_set_mapping(batch_id: i32, columns: Vec<(String, Option<usize>)>) -> Result<(), AppError> {
    crate::api::ctx::run(SimpegSetMapping::PATH, |cx| async move { domain::kinds::simpeg::batch::set_mapping(&cx.state, cx.actor()?, batch_id, columns).await })
        .await
}

#[server(prefix = "/api", endpoint = "simpeg/edit-address", input = Json)]
pub async fn simpeg_edit_address(batch_id: i32, row_id: i32, local_part: String) -> Result<String, AppError> {
    crate::api::ctx::run(SimpegEditAddress::PATH, |cx| async move {
        domain::kinds::simpeg::batch::edit_address(&cx.state, cx.actor()?, batch_id, row_id, &local_part).await
    })
    .await
}

/// Returns the ticket of the collective request: the month's open one of the
/// Pengelola's unit, or a new one when `separate`.
#[server(prefix = "/api", endpoint = "simpeg/submit", input = Json)]
pub async fn simpeg_submit(batch_id: i32, #[server(default)] separate: bool) -> Result<String, AppError> {
    crate::api::ctx::run(SimpegSubmit::PATH, |cx| async move { domain::kinds::simpeg::batch::submit(&cx.state, cx.actor()?, batch_id, separate).await }).await
}

#[server(prefix = "/api", endpoint = "simpeg/discard", input = Json)]
pub async fn simpeg_discard(batch_id: i32) -> Result<(), AppError> {
    crate::api::ctx::run(SimpegDiscard::PATH, |cx| async move { domain::kinds::simpeg::batch::discard(&cx.state, cx.actor()?, batch_id).await }).await
}

/// `proses_batch` (Petugas), `tandai_dimuat`, `laporkan` (Pengelola SIMPEG), `terima_laporan` (Pejabat Struktural).
/// The action stays a string on the wire: one that is not an action is refused like one that is not allowed.
#[server(prefix = "/api", endpoint = "simpeg/step", input = Json)]
pub async fn simpeg_step(ticket: String, version: i32, action: String) -> Result<(), AppError> {
    crate::api::ctx::run(SimpegStep::PATH, |cx| async move {
        use domain::kinds::simpeg::batch as sb;
        use model::Action;
        let (s, a) = (&cx.state, cx.actor()?);
        match Action::parse(&action) {
            Some(Action::ProsesBatch) => sb::start_processing(s, a, &ticket, version).await,
            Some(step) => sb::step(s, a, &ticket, version, step).await,
            None => Err(domain::DomainError::Forbidden),
        }
    })
    .await
}

#[server(prefix = "/api", endpoint = "simpeg/progress", input = Json)]
pub async fn simpeg_progress(ticket: String) -> Result<SimpegJobProgress, AppError> {
    crate::api::ctx::run(SimpegProgress::PATH, |cx| async move {
        let (made, failed, eligible, state) = domain::kinds::simpeg::batch::progress(&cx.state, cx.actor()?, &ticket).await?;
        Ok(SimpegJobProgress { made, failed, eligible, state })
    })
    .await
}
