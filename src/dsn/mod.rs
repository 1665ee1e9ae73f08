//! Delivery status notifications: the DSN extension's parameters (RFC 3461) and the
//! report a mail system writes when a delivery fails, is delayed, or is relayed beyond
//! DSN (RFC 3464).
//!
//! - [`parameters`]: `RET=`, `ENVID=` on MAIL FROM and `NOTIFY=`, `ORCPT=` on RCPT TO,
//!   read into typed values (ENVID and ORCPT decoded from xtext).
//! - `report`: `build_report(&ReportInput) -> Vec<u8>` writes the whole
//!   `multipart/report; report-type=delivery-status` message from the original
//!   envelope (sender, ENVID, RET), the reporting MTA, the arrival date, one
//!   `RecipientReport` per recipient (final and original recipient, action, status,
//!   remote MTA, diagnostic code) and a seed for the MIME boundary. It is pure: dates
//!   and seed are inputs. The caller sends the report from `<>`.

pub mod parameters;
pub mod report;

pub use parameters::{Notify, OriginalRecipient, Ret};
pub use report::{build_report, Action, RecipientReport, ReportInput};
