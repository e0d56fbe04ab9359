//! kam as a library: the records and the store, for the binary, the
//! integration tests and the benchmarks.

pub mod model;
pub mod store;
