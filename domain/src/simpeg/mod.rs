//! F5, bulk ASN accounts from a SIMPEG export (SOP 004): the pure part.
//! Read the upload ([`reader`], with [`columns`] for the header mapping),
//! check each row ([`rules`], with [`units`] for the OPD), propose addresses
//! for the eligible ones ([`addresses`]). [`generator`] makes realistic test
//! files. No database, no I/O: the server functions around it do that.

pub mod addresses;
pub mod columns;
pub mod generator;
pub mod reader;
pub mod rules;
pub mod units;
mod xls_guard;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod xls_fixture;
