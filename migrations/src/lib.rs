//! Database schema. Every migration runs unchanged on SQLite and PostgreSQL.
pub use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_password_reset;
mod m20261124_000003_mail_test_view;
mod m20261124_000004_phone_proofs;
mod m20261125_000005_simpeg_batches;
mod m20261201_000006_security;
mod m20261201_000007_second_factor;
mod m20261202_000008_mailbox_admin;
mod m20261202_000009_owner_sessions;
mod m20261202_000010_mailbox_search;
mod m20261202_000011_mailbox_retention;
mod m20261202_000012_unit_forwarding;
mod m20261202_000013_directory_search_pg;
mod m20261203_000014_dashboard_figures;
mod m20261203_000015_search_unit_tag;
mod m20261203_000016_search_parts_pg;
pub use m20261202_000013_directory_search_pg::SEARCH_TEXT;
pub use m20261203_000016_search_parts_pg::{search_part, SEARCH_PARTS};

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_password_reset::Migration),
            Box::new(m20261124_000003_mail_test_view::Migration),
            Box::new(m20261124_000004_phone_proofs::Migration),
            Box::new(m20261125_000005_simpeg_batches::Migration),
            Box::new(m20261201_000006_security::Migration),
            Box::new(m20261201_000007_second_factor::Migration),
            Box::new(m20261202_000008_mailbox_admin::Migration),
            Box::new(m20261202_000009_owner_sessions::Migration),
            Box::new(m20261202_000010_mailbox_search::Migration),
            Box::new(m20261202_000011_mailbox_retention::Migration),
            Box::new(m20261202_000012_unit_forwarding::Migration),
            Box::new(m20261202_000013_directory_search_pg::Migration),
            Box::new(m20261203_000014_dashboard_figures::Migration),
            Box::new(m20261203_000015_search_unit_tag::Migration),
            Box::new(m20261203_000016_search_parts_pg::Migration),
        ]
    }
}
