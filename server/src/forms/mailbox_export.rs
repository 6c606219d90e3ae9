//! `GET /laporan/akun?q=…&jenis=…&status=…&unit=…&bulan=…&urut=…&format=xlsx|csv`:
//! the mailbox directory's filtered list as a file, for whoever may see the
//! directory (in their scope); the same parameters as the page's address.
use crate::state::WebState;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Extension,
};
use domain::mailboxes::export::{file, Format};
use domain::{auth::Actor, DomainError};
use model::{MailboxKind, MailboxQuery, MailboxSort, MailboxStatus};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ExportQuery {
    q: String,
    jenis: String,
    status: String,
    unit: String,
    bulan: String,
    urut: String,
    format: String,
}

impl ExportQuery {
    fn directory(&self) -> MailboxQuery {
        let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        MailboxQuery {
            text: self.q.clone(),
            kind: MailboxKind::parse(self.jenis.trim()),
            status: MailboxStatus::parse(self.status.trim()),
            unit_id: self.unit.trim().parse().ok(),
            created_month: some(&self.bulan),
            sort: MailboxSort::parse(self.urut.trim()).unwrap_or_default(),
            page: 0,
        }
    }
}

pub async fn download(State(state): State<WebState>, Extension(actor): Extension<Option<Actor>>, Query(q): Query<ExportQuery>) -> Response {
    let Some(actor) = actor else { return Redirect::to("/masuk?next=/admin/akun").into_response() };
    let format = if q.format == "csv" { Format::Csv } else { Format::Xlsx };
    let bytes = match file(&state.app, &actor, &q.directory(), format).await {
        Ok(b) => b,
        Err(DomainError::Forbidden) => return (StatusCode::FORBIDDEN, "Peran Anda tidak memiliki akses ke daftar akun.").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "mailbox export failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "Daftar akun gagal dibuat.").into_response();
        }
    };
    let (mime, ext) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Xlsx => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    };
    super::attachment(bytes, mime, &format!("akun-email-{}.{ext}", state.app.local_date().format("%Y-%m-%d")))
}
