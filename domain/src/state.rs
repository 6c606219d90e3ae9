//! What every request handler and worker shares.
use crate::{clock::SharedClock, config::Config, crypto::Keys, passwords::Hasher};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub clock: SharedClock,
    pub hasher: Hasher,
    pub keys: Keys,
    /// Wakes the outbox dispatcher when a message is queued (it also polls).
    pub outbox_wake: Arc<tokio::sync::Notify>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, config: Config, clock: SharedClock) -> Self {
        let keys = Keys::from_secret(&config.secret);
        let hasher = Hasher::new(config.hash_concurrency, config.hash_nice);
        AppState { db, config: Arc::new(config), clock, hasher, keys, outbox_wake: Arc::new(tokio::sync::Notify::new()) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn wake_outbox(&self) {
        self.outbox_wake.notify_one();
    }

    /// The office's time zone.
    pub fn offset(&self) -> chrono::FixedOffset {
        chrono::FixedOffset::east_opt(self.config.utc_offset_hours * 3600).unwrap_or(chrono::FixedOffset::east_opt(7 * 3600).unwrap())
    }

    /// Today in the configured time zone (end dates, letter dates).
    pub fn local_date(&self) -> chrono::NaiveDate {
        self.now().with_timezone(&self.offset()).date_naive()
    }

    /// Today as the validation rules count dates (NIP birth and appointment dates).
    pub fn today(&self) -> model::validation::Ymd {
        use chrono::Datelike;
        let d = self.local_date();
        model::validation::Ymd::new(d.year(), d.month(), d.day())
    }

    /// `23-11-2026 19:05 WIB`, in the configured time zone.
    pub fn local_time(&self, t: DateTime<Utc>) -> String {
        let offset = self.offset();
        let label = match self.config.utc_offset_hours {
            7 => "WIB",
            8 => "WITA",
            9 => "WIT",
            _ => "",
        };
        format!("{} {label}", t.with_timezone(&offset).format("%d-%m-%Y %H:%M")).trim_end().to_string()
    }
}
