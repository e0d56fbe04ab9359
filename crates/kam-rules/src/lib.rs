//! kam's business rules: pure functions over plain types.
//!
//! Every rule of DESIGN §4 lives here and nowhere else. The crate does no
//! I/O: no SQLite, no terminal, no files and no clock — "today" is always an
//! argument. Each module cites the seed document its rule comes from.

pub mod abc;
pub mod alliance;
pub mod cadence;
pub mod dedupe;
pub mod discount;
pub mod evaluation;
pub mod label;
pub mod money;
pub mod plan_check;
pub mod privacy;
pub mod roles;
pub mod rules;
pub mod tier;
pub mod today;
pub mod vip_learning;

pub use abc::AbcClass;
pub use alliance::{AllianceStatus, Behaviour};
pub use discount::{discount, DiscountQuote, Payment};
pub use evaluation::{Grade, Kpi, Period};
pub use label::{Labeled, Lang};
pub use money::{AmountError, Money, Rate};
pub use roles::{BuyingRole, ObjectionType, SocialStyle};
pub use rules::{Rules, RulesError};
pub use tier::{decide_tier, Tier, TierDecision};
