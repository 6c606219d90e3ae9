//! F5, bulk ASN accounts from a SIMPEG export (SOP 004): rules and reading are pure;
//! [`batch`] stores, previews, submits and processes a batch.
//! Read the upload ([`read`], with [`read::columns`] for the header mapping),
//! check each row ([`rules`], with [`units`] for the OPD), propose addresses
//! for the eligible ones ([`addresses`]). [`generator`] makes realistic test
//! files. Only [`batch`] touches the database.

pub mod addresses;
pub mod batch;
pub mod generator;
pub mod read;
pub mod rules;
pub mod units;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod xls_fixture;
