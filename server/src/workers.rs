//! Background work that every instance runs: housekeeping (and, as flows
//! arrive, the outbox dispatcher and scheduled jobs).
use domain::{accounts, audit, db, rate_limit, retention, sessions, AppState};
use std::time::Duration;

/// Every ten minutes: deletes expired rate-limit counters, old sessions and
/// personal data past its retention; reminds and ends event accounts
/// (SOP 000). Every hour (and at start): verifies the audit chain and keeps
/// the verdict for the audit page, and (SQLite) refreshes the query
/// planner's statistics.
pub fn spawn_housekeeping(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        let mut ticks: u64 = 0;
        loop {
            tick.tick().await;
            ticks += 1;
            if ticks % 6 == 1 {
                if let Err(e) = audit::verify_and_record(&state).await {
                    tracing::warn!(error = %e, "verifying the audit chain failed");
                }
                if let Err(e) = db::refresh_statistics(&state.db).await {
                    tracing::warn!(error = %e, "refreshing the planner's statistics failed");
                }
            }
            if let Err(e) = housekeeping_round(&state).await {
                tracing::warn!(error = %e, "housekeeping failed");
            }
        }
    });
}

/// What one housekeeping round did.
pub struct Housekept {
    pub purged: retention::Purged,
    pub events_ended: u64,
}

/// One round: each step runs even when another failed (the first error is
/// returned after all of them), so a broken step never stalls the others.
pub async fn housekeeping_round(state: &AppState) -> anyhow::Result<Housekept> {
    let mut first_error: Option<anyhow::Error> = None;
    let mut keep = |e: anyhow::Error, what: &str| {
        tracing::warn!(error = %e, "{what} failed");
        first_error.get_or_insert(e);
    };
    let purged = match retention::purge(state).await {
        Ok(p) => {
            if p != retention::Purged::default() {
                tracing::info!(?p, "retention");
            }
            p
        }
        Err(e) => {
            keep(e.into(), "retention purge");
            retention::Purged::default()
        }
    };
    let now = state.now();
    if let Err(e) = rate_limit::purge_expired(&state.db, now).await {
        keep(e.into(), "purging rate limits");
    }
    if let Err(e) = sessions::purge(&state.db, now).await {
        keep(e.into(), "purging sessions");
    }
    let events_ended = match accounts::end_events(state).await {
        Ok((0, 0)) => 0,
        Ok((reminded, ended)) => {
            tracing::info!(reminded, ended, "event accounts");
            ended as u64
        }
        Err(e) => {
            keep(e.into(), "ending event accounts");
            0
        }
    };
    match first_error {
        Some(e) => Err(e),
        None => Ok(Housekept { purged, events_ended }),
    }
}

/// Tells the workers to stop: set once when the server is asked to stop.
pub type Stop = tokio::sync::watch::Receiver<bool>;

fn stopping(stop: &Stop) -> bool {
    *stop.borrow()
}

/// Sleeps `d`, or less when asked to stop meanwhile.
async fn pause(stop: &mut Stop, d: Duration) {
    tokio::select! {
        _ = stop.wait_for(|s| *s) => {}
        _ = tokio::time::sleep(d) => {}
    }
}

/// Delivers queued messages: claims a batch with a lease (so two instances
/// never send the same row at once), sends, records the outcome. Wakes when a
/// message is queued in this process and polls every two seconds otherwise.
/// Asked to stop, it finishes the message it is sending and gives the rest
/// of its claim back, so another instance sends them at once.
pub fn spawn_outbox(state: AppState, mut stop: Stop) -> tokio::task::JoinHandle<()> {
    use domain::{delivery, outbox};
    tokio::spawn(async move {
        let owner = format!("{}:{}", state.config.instance_id, &domain::crypto::random_token()[..8]);
        let lease = chrono::Duration::from_std(state.config.outbox_lease).unwrap_or(chrono::Duration::seconds(outbox::DEFAULT_LEASE_SECS));
        while !stopping(&stop) {
            let now = state.now();
            let rows = match outbox::claim(&state.db, &owner, now, 20, lease).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(error = %e, "claiming outbox rows failed");
                    vec![]
                }
            };
            for row in &rows {
                if stopping(&stop) {
                    break;
                }
                let Some(body) = state.keys.open(&row.body_enc) else {
                    let _ = outbox::mark_failed(&state.db, row, &owner, state.now(), "cannot decrypt: server secret changed?", true).await;
                    continue;
                };
                let result = delivery::deliver(&state.config, row, &body).await;
                let now = state.now();
                let stored = match result {
                    Ok(note) => outbox::mark_sent(&state.db, row.id, &owner, now, note).await,
                    Err(delivery::SendError::Retry(e)) => {
                        tracing::warn!(id = row.id, channel = %row.channel, error = %e, "delivery failed, will retry");
                        outbox::mark_failed(&state.db, row, &owner, now, &e, false).await
                    }
                    Err(delivery::SendError::Permanent(e)) => {
                        tracing::warn!(id = row.id, channel = %row.channel, error = %e, "delivery failed for good");
                        outbox::mark_failed(&state.db, row, &owner, now, &e, true).await
                    }
                };
                if let Err(e) = stored {
                    tracing::error!(id = row.id, error = %e, "recording delivery failed");
                }
            }
            if rows.is_empty() {
                tokio::select! {
                    _ = state.outbox_wake.notified() => {}
                    _ = pause(&mut stop, Duration::from_secs(2)) => {}
                }
            }
        }
        match outbox::release(&state.db, &owner).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(n, "outbox: unsent claimed messages given back"),
            Err(e) => tracing::warn!(error = %e, "giving back claimed messages failed (they are sent after the lease)"),
        }
    })
}

/// Rows a SIMPEG worker works before it looks whether it must stop.
const SIMPEG_ROWS_PER_ROUND: usize = 25;

/// Works collective SIMPEG requests (SOP 004 step 4) row by row. Started
/// with the server, so a batch cut off by a crash or a restart resumes where
/// it stopped; the batch lease keeps two instances off the same batch.
/// Asked to stop, it finishes its round of rows (each row is one
/// transaction) and gives its leases up, so another instance goes on at once.
pub fn spawn_simpeg(state: AppState, mut stop: Stop) -> tokio::task::JoinHandle<()> {
    use domain::kinds::simpeg::batch;
    tokio::spawn(async move {
        let owner = format!("{}:{}", state.config.instance_id, &domain::crypto::random_token()[..8]);
        while !stopping(&stop) {
            let idle = match batch::work(&state, &owner, Some(SIMPEG_ROWS_PER_ROUND), |_| {}).await {
                Ok(done) if done.rows > 0 || done.finished_requests > 0 => {
                    tracing::info!(rows = done.rows, finished = done.finished_requests, "simpeg batches worked");
                    done.rows < SIMPEG_ROWS_PER_ROUND
                }
                Ok(_) => true,
                Err(e) => {
                    tracing::warn!(error = %e, "simpeg batch job failed; will retry");
                    true
                }
            };
            if idle {
                pause(&mut stop, Duration::from_secs(1)).await;
            }
        }
        match batch::release_leases(&state, &owner).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(n, "simpeg: batch leases given up"),
            Err(e) => tracing::warn!(error = %e, "giving up batch leases failed (another instance waits for the lease)"),
        }
    })
}
