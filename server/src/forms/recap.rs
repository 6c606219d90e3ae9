//! `GET /laporan/rekap?sop=002&bulan=2026-11&format=xlsx|csv`: the monthly
//! recap of one SOP, for staff who handle or oversee that request type.
use crate::state::WebState;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Extension,
};
use domain::{auth::Actor, reports, DomainError};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct RecapQuery {
    sop: String,
    bulan: String,
    #[serde(default)]
    format: String,
}

pub async fn download(State(state): State<WebState>, Extension(actor): Extension<Option<Actor>>, Query(q): Query<RecapQuery>) -> Response {
    let Some(actor) = actor else { return Redirect::to("/masuk").into_response() };
    let recap = match reports::recap(&state.app, &actor, &q.sop, &q.bulan).await {
        Ok(r) => r,
        Err(DomainError::Forbidden) => return (StatusCode::FORBIDDEN, "Peran Anda tidak memiliki akses ke rekap ini.").into_response(),
        Err(DomainError::NotFound) => return (StatusCode::NOT_FOUND, "SOP tidak dikenal.").into_response(),
        Err(DomainError::Invalid(_)) => return (StatusCode::BAD_REQUEST, "Bulan tidak valid (contoh: 2026-11).").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "recap failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "Rekap gagal dibuat.").into_response();
        }
    };
    let (bytes, mime, ext) = if q.format == "csv" {
        (reports::recap_csv(&recap), "text/csv; charset=utf-8", "csv")
    } else {
        (reports::recap_xlsx(&recap), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "recap file failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "Rekap gagal dibuat.").into_response();
        }
    };
    super::attachment(bytes, mime, &format!("rekap-sop-{}-{}.{ext}", recap.sop, recap.month))
}
