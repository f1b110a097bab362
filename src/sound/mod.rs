//! The sound stage: where every clip sits (`timeline`), the mix of speech,
//! stings and beds (`mix`), and the master to the loudness target.

pub mod master;
pub mod mix;
pub mod timeline;
